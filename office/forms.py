"""Forms of the org-structure app (crispy, Bootstrap 5)."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from office import permissions, ratelimit
from office.access import is_leadership, staff_profile
from office.fields import DateTimeField, MoneyField
from office.models import (
    Announcement,
    Department,
    Document,
    Equipment,
    MaintenanceTicket,
    Organization,
    StaffProfile,
)


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Username or e-mail address"), widget=forms.TextInput(attrs={"autofocus": True})
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset links are built from SITE_URL, never from the request's Host header. One address
    gets a few mails an hour at most (office.ratelimit); past that nothing is sent and the page
    answers as always, so the limit tells nobody whether the address has an account."""

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from urllib.parse import urlsplit

        from django.conf import settings

        if not ratelimit.address_allows("password_reset", self.cleaned_data["email"]):
            return None
        parts = urlsplit(settings.SITE_URL)
        kwargs["domain_override"] = parts.netloc
        kwargs["use_https"] = parts.scheme == "https"
        return super().save(*args, **kwargs)


# --- staff directory ---------------------------------------------------------------------------


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.visible_to(user)


class MyProfileForm(forms.ModelForm):
    """Contact details a staff member keeps up to date; position, department and office are
    set by the administrative assistant and are deliberately not fields here."""

    class Meta:
        model = StaffProfile
        fields = ["phone", "extension", "room", "duties"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("phone"), Column("extension"), Column("room")), "duties")


# --- documents ---------------------------------------------------------------------------------


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Document.Kind.choices])
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class DocumentForm(forms.ModelForm):
    """A document's metadata plus the text of the version this save adds."""

    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 14}))
    body_zh = forms.CharField(
        label=_("Chinese text (Markdown)"), widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    change_note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    class Meta:
        model = Document
        fields = ["kind", "title", "title_zh", "slug", "department", "position"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["department"].queryset = Department.objects.filter(organization=organization)
        if self.instance.pk:
            # The slug is part of links people have shared; it stays what it was.
            self.fields["slug"].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("title"), Column("title_zh")),
            Row(Column("kind"), Column("slug")),
            Row(Column("department"), Column("position")),
            "body",
            "body_zh",
            "change_note",
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        # organization is not a form field, so ModelForm cannot check this constraint itself.
        clash = Document.objects.filter(organization=self.organization, slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another document of this office already uses this slug."))
        return slug


class DocumentCompareForm(forms.Form):
    a = forms.IntegerField(label=_("Older version"), min_value=1)
    b = forms.IntegerField(label=_("Newer version"), min_value=1)


# --- announcements -----------------------------------------------------------------------------


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "title_zh", "department", "body", "body_zh", "pinned", "published_at", "expires_at"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "body_zh": forms.Textarea(attrs={"rows": 6}),
            "published_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        field_classes = {"published_at": DateTimeField, "expires_at": DateTimeField}

    def __init__(self, *args: Any, user: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.organization = organization
        units = Department.objects.filter(organization=organization)
        if not is_leadership(user):
            # A head addresses only its own department or a group inside it.
            profile = staff_profile(user)
            department_id = profile.department_id if profile else None
            units = units.filter(Q(pk=department_id) | Q(parent_id=department_id))
            self.fields["department"].required = True
            self.fields["department"].help_text = ""
        self.fields["department"].queryset = units
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("title"), Column("title_zh")),
            "department",
            Row(Column("body"), Column("body_zh")),
            Row(Column("published_at"), Column("expires_at"), Column("pinned", css_class="pt-md-4")),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        published, expires = cleaned.get("published_at"), cleaned.get("expires_at")
        if published and expires and expires <= published:
            self.add_error("expires_at", _("The expiry must come after publication."))
        if not self.instance.pk and not permissions.can_post_announcement(
            self.user, self.organization, cleaned.get("department")
        ):
            self.add_error("department", _("You cannot post announcements for this audience."))
        return cleaned


# --- budgets -----------------------------------------------------------------------------------


class BudgetAllocateForm(forms.Form):
    """Amounts are typed in yuan as decimals and converted to integer fen by MoneyField."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    amount = MoneyField(
        label=_("Amount"),
        max_length=30,
        allow_negative=True,
        help_text=_("In yuan, e.g. 12000.50. A negative amount takes money back."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.visible_to(user)
        self.fields["amount"].currency = settings.DEFAULT_CURRENCY
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("department"), Column("fiscal_year")), Row(Column("amount")), "note")


# --- audit -------------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    verb = forms.CharField(
        label=_("Action starts with"), required=False, max_length=100, help_text=_("e.g. office.budget")
    )
    actor = forms.ModelChoiceField(label=_("Actor"), queryset=None, required=False)  # type: ignore[arg-type]
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["actor"].label_from_instance = _actor_label

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return cleaned


def _actor_label(user: Any) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.display_name if profile else user.get_username()


# --- maintenance tickets (issue 8) -----------------------------------------------------------


class TicketForm(forms.ModelForm):
    class Meta:
        model = MaintenanceTicket
        fields = ["equipment", "title", "description", "priority"]

    def __init__(self, *args: Any, equipment: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["equipment"].queryset = equipment if equipment is not None else Equipment.objects.none()
        self.helper = FormHelper()
        self.helper.form_tag = False


class TicketAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label=_("Assign to"))

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda u: getattr(u.staff_profile, "display_name", u.username)
        self.helper = FormHelper()
        self.helper.form_tag = False


class TicketCloseForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
