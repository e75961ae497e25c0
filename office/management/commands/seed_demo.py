"""`python manage.py seed_demo`: the demo network, idempotent (run it as often as you like).

Every demo user's password is settings.DEMO_PASSWORD (env DEMO_PASSWORD). Later areas add
their own demo content through `office.demo.register` hooks, run at the end.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from office import demo
from office.access import sync_role_groups
from office.models import (
    Announcement,
    Budget,
    BudgetEntry,
    ClientAccount,
    Department,
    DepartmentFunction,
    Document,
    DocumentVersion,
    Function,
    Notification,
    Organization,
    Position,
    StaffProfile,
)

ORGANIZATIONS = [
    # code, name, name_zh, is_home, city
    ("home", "Central Information Office", "中心信息办公室", True, "Guangzhou"),
    ("east", "East City Information Office", "东城信息办公室", False, "Shenzhen"),
    ("riverside", "Riverside University Library Office", "滨江大学图书馆办公室", False, "Foshan"),
    ("north", "Northern Medical Information Office", "北方医学信息办公室", False, "Tianjin"),
]

POSITIONS = [
    # code, name, name_zh, role, rank
    ("director", "Director", "主任", Position.Role.DIRECTOR, 10),
    ("admin-assistant", "Administrative assistant", "行政助理", Position.Role.ADMIN_ASSISTANT, 20),
    ("business-assistant", "Business assistant", "业务助理", Position.Role.BUSINESS_ASSISTANT, 30),
    ("head", "Department head", "部门主任", Position.Role.HEAD, 40),
    ("staff", "Staff member", "工作人员", Position.Role.STAFF, 100),
]

# code, parent code, kind, name, name_zh, description, description_zh, approval limit (fen)
DEPARTMENTS = [
    (
        "leadership",
        None,
        Department.Kind.LEADERSHIP,
        "Leadership office",
        "办公室领导层",
        "Director, administrative and business assistants: policy and planning, rules and job duties, "
        "personnel, budget allocation and coordination.",
        "由主任、行政助理和业务助理组成，负责政策计划、规章制度和岗位职责、人事管理、经费安排与协调。",
        2_000_000,
    ),
    (
        "infodev",
        None,
        Department.Kind.DEPARTMENT,
        "Information development department",
        "信息开发部",
        "Online and disc search, database development, topic and tracking services, digitisation of "
        "special collections.",
        "联机检索、光盘检索、专题数据库开发、课题与跟踪服务以及特色化馆藏资源的数字化建设。",
        800_000,
    ),
    (
        "navigation",
        "infodev",
        Department.Kind.GROUP,
        "Network information navigation group",
        "网络信息导航小组",
        "Builds and maintains the subject navigation of network resources.",
        "建设并维护网络资源的学科导航。",
        200_000,
    ),
    (
        "topic",
        "infodev",
        Department.Kind.GROUP,
        "Topic service group",
        "课题服务小组",
        "Topic (SDI), novelty search and follow-up tracking services.",
        "定题服务、查新服务与跟踪服务。",
        200_000,
    ),
    (
        "special",
        "infodev",
        Department.Kind.GROUP,
        "Special digital resources group",
        "特色化数字资源开发小组",
        "Digitises and develops the office's special collections.",
        "特色化馆藏资源的数字化开发。",
        200_000,
    ),
    (
        "custsvc",
        None,
        Department.Kind.DEPARTMENT,
        "Customer service department",
        "客户服务部",
        "Navigation, consultation and training for local and remote clients; personalised custom information.",
        "向本地客户和远程客户提供导航、咨询、培训以及定制个性化信息服务。",
        500_000,
    ),
    (
        "techsvc",
        None,
        Department.Kind.DEPARTMENT,
        "Technical services department",
        "技术服务部",
        "Computer and network systems, security, scheduled data backups, digital-office systems and "
        "audio-visual equipment.",
        "负责计算机与网络系统、系统安全、按时数据备份、数字办公室系统及多媒体与声像设备。",
        600_000,
    ),
]

# The functions each demo unit carries (office.functions): what permissions read, as data.
# Member offices' units get theirs too (catalog review still needs the home office).
UNIT_FUNCTIONS: dict[str, list[str]] = {
    "leadership": [Function.FINANCE],
    "infodev": [Function.INFORMATION_DEVELOPMENT, Function.CATALOG_REVIEW],
    "navigation": [Function.NAVIGATION, Function.CATALOG_REVIEW],
    "topic": [Function.CATALOG_REVIEW],
    "special": [Function.DIGITAL_RESOURCES, Function.CATALOG_REVIEW],
    "custsvc": [Function.CUSTOMER_SERVICE],
    "techsvc": [Function.TECHNICAL_SERVICES],
}


def assign_demo_functions(unit: Department) -> None:
    """Give a demo unit its functions (idempotent; functions added since are kept)."""
    for function in UNIT_FUNCTIONS.get(unit.code, []):
        DepartmentFunction.objects.get_or_create(department=unit, function=function)


# username, office, department, position, display name, title, e-mail
STAFF = [
    ("director", "home", "leadership", "director", "Wang Min 王敏", "Director", "director@office.example"),
    (
        "admin_assistant",
        "home",
        "leadership",
        "admin-assistant",
        "Li Na 李娜",
        "Administrative assistant",
        "admin.assistant@office.example",
    ),
    (
        "business_assistant",
        "home",
        "leadership",
        "business-assistant",
        "Zhao Lei 赵磊",
        "Business assistant",
        "business.assistant@office.example",
    ),
    (
        "head_infodev",
        "home",
        "infodev",
        "head",
        "Chen Jing 陈静",
        "Head of information development",
        "head.infodev@office.example",
    ),
    (
        "head_custsvc",
        "home",
        "custsvc",
        "head",
        "Liu Yang 刘洋",
        "Head of customer service",
        "head.custsvc@office.example",
    ),
    (
        "head_techsvc",
        "home",
        "techsvc",
        "head",
        "Zhou Qiang 周强",
        "Head of technical services",
        "head.techsvc@office.example",
    ),
    (
        "staff_infodev",
        "home",
        "topic",
        "staff",
        "Sun Li 孙丽",
        "Topic service librarian",
        "staff.infodev@office.example",
    ),
    ("staff_custsvc", "home", "custsvc", "staff", "Wu Fang 吴芳", "Client consultant", "staff.custsvc@office.example"),
    ("staff_techsvc", "home", "techsvc", "staff", "Zheng Hao 郑浩", "Systems engineer", "staff.techsvc@office.example"),
    ("staff_nav", "home", "navigation", "staff", "Huang Yan 黄艳", "Navigation editor", "staff.nav@office.example"),
    ("director_east", "east", "leadership", "director", "Xu Gang 徐刚", "Director", "director@east.example"),
    ("staff_east", "east", "infodev", "staff", "Ma Lin 马琳", "Cataloguer", "staff@east.example"),
    (
        "staff_riverside",
        "riverside",
        "infodev",
        "staff",
        "He Ping 何平",
        "Acquisitions librarian",
        "staff@riverside.example",
    ),
    ("staff_north", "north", "custsvc", "staff", "Guo Hua 郭华", "Reference librarian", "staff@north.example"),
]

CLIENTS = [
    # username, kind, display name, organisation, e-mail, phone
    (
        "client_a",
        ClientAccount.Kind.ORGANISATION,
        "Dr. Fang Wei 方伟",
        "Pearl River Materials Institute 珠江材料研究所",
        "client.a@example.com",
        "020-8888-1001",
    ),
    ("client_b", ClientAccount.Kind.PERSON, "Ms. Tang Xue 唐雪", "", "client.b@example.com", "139-0000-2002"),
]

DOCUMENTS = [
    (
        "rules-of-procedure",
        Document.Kind.RULE,
        None,
        None,
        "Rules of procedure",
        "办公室规章制度",
        "## Rules of procedure\n\n1. Purchases are requested online and approved by the department head; above "
        "the head's limit the director approves as well.\n2. Every order is paid electronically and tracked until "
        "it is received.\n3. Client data is confidential and seen only by the staff who serve the order.\n",
        "## 办公室规章制度\n\n1. 采购一律在网上申请，由部门主任审批；超出部门主任权限的，由主任加批。\n"
        "2. 所有订单通过电子商务方式支付，并实时跟踪至验收。\n3. 客户资料保密，仅供承办人员查阅。\n",
    ),
    (
        "budget-policy",
        Document.Kind.POLICY,
        None,
        None,
        "Budget allocation policy",
        "经费安排办法",
        "## Budget allocation\n\nThe director allocates each department's budget per fiscal year. "
        "Approved purchases encumber the budget; payment turns the encumbrance into spending.\n\n"
        "| Stage | Effect |\n|---|---|\n| Approval | encumbered |\n| Payment | spent |\n| Rejection | released |\n",
        "## 经费安排\n\n主任按财政年度为各部门安排经费。审批通过的采购先占用预算，付款后转为实际支出。\n",
    ),
    (
        "duties-head",
        Document.Kind.JOB_DUTY,
        None,
        "head",
        "Job duties: department head",
        "岗位职责：部门主任",
        "- Leads the department's work and its groups.\n- Approves purchase requests up to the department's limit.\n"
        "- Assigns client orders to staff.\n",
        "- 领导本部门及其小组的工作。\n- 在本部门权限内审批采购申请。\n- 将客户订单分派给工作人员。\n",
    ),
    (
        "duties-techsvc",
        Document.Kind.JOB_DUTY,
        "techsvc",
        None,
        "Job duties: technical services",
        "岗位职责：技术服务部",
        "- Maintains and upgrades the computer and network systems.\n- Keeps the systems secure.\n"
        "- **Backs up data on schedule** and keeps resources safe for the long term.\n"
        "- Manages multimedia and audio-visual equipment.\n",
        "- 负责计算机系统及网络系统的管理维护及升级。\n- 负责系统的安全工作。\n"
        "- **按时进行数据备份**，保证资源的长期保存。\n- 负责多媒体与声像设备的管理与利用。\n",
    ),
]

BUDGETS = {
    "leadership": 5_000_000,
    "infodev": 30_000_000,
    "navigation": 2_000_000,
    "topic": 3_000_000,
    "special": 4_000_000,
    "custsvc": 8_000_000,
    "techsvc": 12_000_000,
}


class Command(BaseCommand):
    help = "Create (or refresh) the demo network: offices, departments, users for every role, content."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            self.seed()
        for hook in demo.hooks():
            hook(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready. Users: "
                + ", ".join(u[0] for u in STAFF + CLIENTS)
                + " (password from DEMO_PASSWORD)."
            )
        )

    def seed(self) -> None:
        User = get_user_model()
        password = settings.DEMO_PASSWORD
        orgs = {}
        for code, name, name_zh, is_home, city in ORGANIZATIONS:
            orgs[code], _ = Organization.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "name_zh": name_zh,
                    "is_home": is_home,
                    "city": city,
                    "email": f"office@{code}.example",
                    "mission": "Information services for research and industry, bought, built and shared online."
                    if is_home
                    else "",
                    "mission_zh": "依托电子商务，为科研与产业提供信息服务。" if is_home else "",
                },
            )
        positions = {}
        for code, name, name_zh, role, rank in POSITIONS:
            positions[code], _ = Position.objects.update_or_create(
                code=code, defaults={"name": name, "name_zh": name_zh, "role": role, "rank": rank}
            )

        departments: dict[tuple[str, str], Department] = {}
        for org_code, org in orgs.items():
            for order, (code, parent, kind, name, name_zh, desc, desc_zh, limit) in enumerate(DEPARTMENTS):
                if not org.is_home and kind == Department.Kind.GROUP:
                    continue  # member offices keep a flatter structure
                departments[(org_code, code)], _ = Department.objects.update_or_create(
                    organization=org,
                    code=code,
                    defaults={
                        "parent": departments.get((org_code, parent)) if parent else None,
                        "kind": kind,
                        "name": name,
                        "name_zh": name_zh,
                        "description": desc,
                        "description_zh": desc_zh,
                        "sort_order": order * 10,
                        "approval_limit_minor": limit,
                    },
                )
                assign_demo_functions(departments[(org_code, code)])

        for username, org_code, dept, pos, display, title, email in STAFF:
            user = self._user(User, username, email, password, is_staff=username == "director")
            if username == "director":
                # The director also administers the intranet in the Django admin.
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "organization": orgs[org_code],
                    "department": departments[(org_code, dept)],
                    "position": positions[pos],
                    "display_name": display,
                    "title": title,
                    "phone": "020-8000-" + str(1000 + sum(map(ord, username)) % 9000),
                    "extension": str(100 + len(username)),
                    "duties": title,
                },
            )
            sync_role_groups(user)

        for username, kind, display, organisation, email, phone in CLIENTS:
            user = self._user(User, username, email, password)
            ClientAccount.objects.update_or_create(
                user=user,
                defaults={
                    "kind": kind,
                    "display_name": display,
                    "organisation_name": organisation,
                    "phone": phone,
                    "email_confirmed": True,
                    "postal_address": "1 Demo Road, Guangzhou 广州示范路1号",
                },
            )
            sync_role_groups(user)

        home = orgs["home"]
        director = User.objects.get(username="director")
        for slug, kind, dept, pos, title, title_zh, body, body_zh in DOCUMENTS:
            document, created = Document.objects.get_or_create(
                organization=home,
                slug=slug,
                defaults={
                    "kind": kind,
                    "title": title,
                    "title_zh": title_zh,
                    "department": departments[("home", dept)] if dept else None,
                    "position": positions[pos] if pos else None,
                },
            )
            if created or not document.versions.exists():
                DocumentVersion.objects.create(
                    document=document,
                    number=1,
                    body=body,
                    body_zh=body_zh,
                    change_note="First version",
                    author=director,
                )
                document.current_version = 1
                document.save(update_fields=["current_version"])

        if not Announcement.objects.filter(organization=home).exists():
            Announcement.objects.create(
                organization=home,
                author=director,
                pinned=True,
                title="The intranet is live",
                title_zh="办公室内网正式启用",
                body="Purchases, consortium buying, union cataloging and client services now run online.",
                body_zh="网上采购、集团采购、联合联机编目和客户服务现已全部在网上进行。",
            )
            Announcement.objects.create(
                organization=home,
                author=User.objects.get(username="head_techsvc"),
                department=departments[("home", "techsvc")],
                title="Nightly backups at 02:00",
                title_zh="每晚02:00进行数据备份",
                body="Technical services backs up the database and files every night.",
                body_zh="技术服务部每晚对数据库和文件进行备份。",
            )

        year = timezone.localdate().year
        for code, amount in BUDGETS.items():
            budget, created = Budget.objects.get_or_create(
                department=departments[("home", code)],
                fiscal_year=year,
                defaults={"allocated_minor": amount, "currency": settings.DEFAULT_CURRENCY},
            )
            if created:
                BudgetEntry.objects.create(
                    budget=budget,
                    kind=BudgetEntry.Kind.ALLOCATE,
                    amount_minor=amount,
                    note="Demo allocation",
                    actor=director,
                )

        for username in ("head_infodev", "staff_infodev", "client_a"):
            user = User.objects.get(username=username)
            if not Notification.objects.filter(recipient=user, verb="office.demo.welcome").exists():
                Notification.objects.create(
                    recipient=user,
                    verb="office.demo.welcome",
                    send_email=False,
                    title=gettext_noop("Welcome to the office intranet"),
                    params={},  # rendered in each reader's language (office/texts.py)
                    url="/intranet/",
                )

    @staticmethod
    def _user(User: Any, username: str, email: str, password: str, is_staff: bool = False) -> Any:
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        user.email = email
        user.is_active = True
        user.is_staff = is_staff or user.is_staff
        if created or not user.check_password(password):
            user.set_password(password)
        user.save()
        return user
