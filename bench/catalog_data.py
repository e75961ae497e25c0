"""Synthetic but realistic MARC 21 bibliographic records for the catalog benchmark.

    .venv/bin/python bench/catalog_data.py --count 1000000 --seed 4 --out /tmp/catalog.mrc

Deterministic for a given --seed and --count: the same file byte for byte. Records are ISO 2709,
UTF-8 (leader/09 "a"), written with pymarc. The mix imitates a Chinese union catalog: about
55 % Chinese, 35 % English and 10 % other languages; titles, authors and subjects drawn
from Zipf-weighted vocabularies, so a few words (研究, 中国, "the", "of") occur in a large
part of the catalog, as in a real one; valid ISBN-13 (ISBN-10 for older books), CLC (中图法)
and Dewey classes, publishers, places, years 1950-2025, formats (books, serials with ISSN,
video, sound, maps, electronic), 035 system numbers and added entries.

`--queries PATH` also writes a JSON query set drawn from the same vocabularies and records
(common and rare keywords, titles, authors, ISBN-10/13 of records in the file, classes).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from pathlib import Path

from pymarc import Field, Indicators, Leader, Record, Subfield

# --- vocabularies ------------------------------------------------------------------------------

ZH_WORDS = (
    "研究 中国 发展 经济 理论 管理 社会 文化 历史 技术 教育 系统 设计 方法 分析 应用 问题 实践 "
    "信息 网络 数据 计算机 图书馆 文学 哲学 艺术 医学 法律 政治 环境 科学 现代 当代 世界 城市 "
    "农村 企业 市场 金融 工程 建筑 语言 翻译 心理学 数学 物理 化学 生物 地理 旅游 音乐 电影 新闻 "
    "传播 出版 改革 创新 战略 政策 制度 思想 比较 基础 原理 导论 概论 教程 手册 指南 案例 选编 "
    "文集 全集 史料 年鉴 词典 汇编 人工智能 机器学习 软件 程序 算法 安全 能源 交通 水利 农业 "
    "林业 畜牧 海洋 气候 生态 健康 护理 中医 药学 临床 儿童 青少年 老年 家庭 女性 民族 宗教 "
    "考古 博物馆 档案 古籍 诗词 小说 散文 戏剧 书法 绘画 设计学 服装 饮食 体育 军事 外交 国际 "
    "贸易 会计 审计 税收 统计 保险 银行 证券 投资 人力资源 营销 物流 电子商务 信息检索 编目 "
    "分类 元数据 数字化 知识 组织 服务 评价 质量 标准 规范 实验 模型 结构 材料 机械 电气 自动化 "
    "通信 光学 声学 力学 天文 地质 矿产 冶金 纺织 印刷 园林 规划 区域 乡村 长江 黄河 丝绸之路 "
    "唐代 宋代 明清 近代 民国 上海 北京 广东 江南 西部 边疆 变迁 转型 治理 协同 融合 视角 "
    "路径 机制 影响 效应 评估 对策 调查 报告 前沿 进展 新论 简史 通史 读本 十讲 三十年 "
    "传统 未来 记忆 认同 空间 时间 身体 符号 叙事 美学 伦理 逻辑 认知 学习 课程 教学 学生 教师"
).split()
ZH_TAILS = "研究 概论 导论 教程 论 史 新编 基础 实务 专题研究 理论与实践 问题研究 发展报告".split()
ZH_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
ZH_GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文玉兰春晓东海燕云飞鹏宇浩然子涵思雨欣怡俊"
)
ZH_PUBLISHERS = [
    ("北京", "人民出版社"),
    ("北京", "商务印书馆"),
    ("北京", "中华书局"),
    ("北京", "科学出版社"),
    ("北京", "高等教育出版社"),
    ("北京", "清华大学出版社"),
    ("北京", "北京大学出版社"),
    ("北京", "社会科学文献出版社"),
    ("北京", "国家图书馆出版社"),
    ("北京", "中国人民大学出版社"),
    ("上海", "上海古籍出版社"),
    ("上海", "上海人民出版社"),
    ("上海", "复旦大学出版社"),
    ("上海", "华东师范大学出版社"),
    ("南京", "南京大学出版社"),
    ("杭州", "浙江大学出版社"),
    ("广州", "广东人民出版社"),
    ("武汉", "武汉大学出版社"),
    ("成都", "四川人民出版社"),
    ("西安", "陕西师范大学出版总社"),
]
EN_WORDS = (
    "the of and in to a for on history theory introduction analysis study studies modern world new "
    "american china chinese social economic development management science data information systems "
    "design method methods practice research culture political politics education language literature "
    "art music law health medicine public policy global international urban rural environment energy "
    "water climate computer computing software learning machine networks security digital library "
    "libraries cataloging knowledge organization metadata philosophy ethics religion war peace empire "
    "century early late revolution reform market finance banking trade capital labor women children "
    "family identity memory power state society nature evolution biology chemistry physics mathematics "
    "statistics engineering materials structures principles handbook guide essentials fundamentals "
    "advanced applied case cases readings collected essays letters poems stories novel life lives "
    "city cities asia europe africa pacific atlantic british french german japanese russian india "
    "ancient medieval renaissance victorian twentieth twenty-first great small hidden lost future"
).split()
EN_STOP = {"the", "of", "and", "in", "to", "a", "for", "on"}
EN_FIRST = (
    "John Mary James Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Margaret Mark Emily Paul Anna"
).split()
EN_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker "
    "Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter "
    "Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper"
).split()
EN_PUBLISHERS = [
    ("New York", "Oxford University Press"),
    ("Cambridge", "Cambridge University Press"),
    ("London", "Routledge"),
    ("New York", "Springer"),
    ("Hoboken, N.J.", "Wiley"),
    ("Princeton", "Princeton University Press"),
    ("Chicago", "University of Chicago Press"),
    ("Cambridge, Mass.", "MIT Press"),
    ("London", "Penguin"),
    ("New York", "Columbia University Press"),
    ("Berkeley", "University of California Press"),
    ("Amsterdam", "Elsevier"),
]
OTHER_LANGS = [
    ("jpn", "東京", "岩波書店"),
    ("fre", "Paris", "Gallimard"),
    ("ger", "Berlin", "De Gruyter"),
    ("rus", "Moskva", "Nauka"),
]
# CLC main classes (中图法) with the matching Dewey hundreds, weighted roughly like a general collection.
CLASSES = [
    ("A", "335", 1),
    ("B", "100", 4),
    ("C", "300", 3),
    ("D", "320", 6),
    ("E", "355", 1),
    ("F", "330", 10),
    ("G", "370", 8),
    ("H", "400", 4),
    ("I", "800", 10),
    ("J", "700", 4),
    ("K", "900", 7),
    ("N", "500", 1),
    ("O", "510", 4),
    ("P", "520", 2),
    ("Q", "570", 2),
    ("R", "610", 7),
    ("S", "630", 3),
    ("T", "600", 3),
    ("TB", "620", 2),
    ("TN", "621", 2),
    ("TP", "004", 8),
    ("TU", "690", 2),
    ("U", "380", 2),
    ("V", "629", 1),
    ("X", "363", 2),
    ("Z", "030", 1),
]
SUBJECTS_ZH = [w for w in ZH_WORDS if len(w) >= 2][:120]
FORMS = [  # leader/06, leader/07, 008/23-ish form code, weight
    ("a", "m", "book", 86),
    ("a", "s", "serial", 5),
    ("g", "m", "video", 2),
    ("j", "m", "sound", 2),
    ("e", "m", "map", 1),
    ("m", "m", "electronic", 3),
    ("c", "m", "music", 1),
]


def zipf_weights(n: int, s: float = 1.07) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


class Picker:
    """Weighted choice with a precomputed cumulative table (random.choices recomputes it)."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


ZH_PICK = Picker(ZH_WORDS, zipf_weights(len(ZH_WORDS), 0.9))
EN_PICK = Picker([w for w in EN_WORDS if w not in EN_STOP], zipf_weights(len(EN_WORDS) - len(EN_STOP), 0.9))
CLASS_PICK = Picker(CLASSES, [c[2] for c in CLASSES])
FORM_PICK = Picker(FORMS, [f[3] for f in FORMS])


def isbn13(prefix: str, number: int, width: int) -> str:
    body = f"{prefix}{number % 10**width:0{width}d}"[:12]
    check = (10 - sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def isbn10_of(isbn13_value: str) -> str:
    body = isbn13_value[3:12]
    total = sum((10 - i) * int(d) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def issn_for(number: int) -> str:
    body = f"{number % 10**7:07d}"
    total = sum((8 - i) * int(d) for i, d in enumerate(body))
    check = (11 - total % 11) % 11
    digits = body + ("X" if check == 10 else str(check))
    return f"{digits[:4]}-{digits[4:]}"


def zh_name(rng: random.Random) -> str:
    return rng.choice(ZH_SURNAMES) + "".join(rng.choice(ZH_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def en_name(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(EN_FIRST), rng.choice(EN_SURNAMES)
    return f"{last}, {first}", f"{first} {last}"


def zh_title(rng: random.Random) -> tuple[str, str]:
    words = [ZH_PICK(rng) for _ in range(rng.choice((2, 2, 3, 3, 4)))]
    title = "".join(dict.fromkeys(words)) + rng.choice(ZH_TAILS)
    subtitle = ""
    if rng.random() < 0.6:
        subtitle = "".join(ZH_PICK(rng) for _ in range(rng.choice((2, 3)))) + rng.choice(
            ("视角", "研究", "为例", "的探索", "")
        )
        if rng.random() < 0.4:
            subtitle = (
                f"以{rng.choice(ZH_PUBLISHERS)[0]}为例"
                if rng.random() < 0.3
                else subtitle + f"（{rng.randint(1900, 2025)}）"
            )
    return title, subtitle


def en_title(rng: random.Random) -> tuple[str, str]:
    n = rng.choice((2, 3, 3, 4))
    words = [EN_PICK(rng) for _ in range(n)]
    pattern = rng.random()
    if pattern < 0.35:
        title = f"The {words[0]} of {' '.join(words[1:])}"
    elif pattern < 0.55:
        title = f"{' '.join(words[:-1])} and {words[-1]}"
    elif pattern < 0.7:
        title = f"An introduction to {' '.join(words)}"
    else:
        title = " ".join(words)
    title = title[0].upper() + title[1:]
    subtitle = ""
    if rng.random() < 0.55:
        subtitle = " ".join(EN_PICK(rng) for _ in range(rng.choice((2, 3, 4))))
        if rng.random() < 0.3:
            subtitle += f" in the {rng.choice(('twentieth', 'nineteenth', 'twenty-first'))} century"
    return title, subtitle


def make_record(i: int, rng: random.Random) -> Record:
    kind, level, _format, _w = FORM_PICK(rng)
    roll = rng.random()
    lang = "chi" if roll < 0.55 else ("eng" if roll < 0.9 else None)
    year = min(2025, 1950 + int(rng.betavariate(3.0, 1.3) * 76))
    record = Record(force_utf8=True, leader=Leader(f"00000n{kind}{level} a2200000 i 4500"))
    record.add_field(Field(tag="001", data=f"BENCH{i:08d}"))
    record.add_field(Field(tag="003", data="CN-BENCH"))
    record.add_field(
        Field(tag="005", data=f"{year + rng.randint(0, 1) if year < 2025 else 2025}0{rng.randint(1, 9)}15120000.0")
    )
    if lang is None:
        lang_code, place, publisher = rng.choice(OTHER_LANGS)
    elif lang == "chi":
        lang_code, (place, publisher) = "chi", rng.choice(ZH_PUBLISHERS)
    else:
        lang_code, (place, publisher) = "eng", rng.choice(EN_PUBLISHERS)
    country = {"chi": "cc ", "eng": "nyu", "jpn": "ja ", "fre": "fr ", "ger": "gw ", "rus": "ru "}[lang_code]
    record.add_field(Field(tag="008", data=f"{year % 100:02d}0101s{year}    {country}a     b    001 0 {lang_code} d"))
    isbn = ""
    if kind == "a" and level == "m" or (kind in "gjm" and rng.random() < 0.5):
        prefix = "9787" if lang_code == "chi" else ("9780" if rng.random() < 0.6 else "9781")
        isbn = isbn13(prefix, i * 7919 + 13, 8)
        qualifier = rng.choice(
            ("", "", " (pbk.)", " (hardcover)", " (平装)" if lang_code == "chi" else " (alk. paper)")
        )
        value = isbn10_of(isbn) if year < 2007 and isbn.startswith("978") else isbn
        if rng.random() < 0.3:  # hyphenated as printed on the book
            value = (
                f"{value[:3]}-{value[3:4]}-{value[4:8]}-{value[8:-1]}-{value[-1]}"
                if len(value) == 13
                else f"{value[:1]}-{value[1:5]}-{value[5:9]}-{value[9]}"
            )
        record.add_field(
            Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", value + qualifier)])
        )
        if rng.random() < 0.08:
            record.add_field(
                Field(
                    tag="020",
                    indicators=Indicators(" ", " "),
                    subfields=[Subfield("a", isbn13(prefix, i * 7919 + 14, 8) + " (ebook)")],
                )
            )
    if level == "s":
        record.add_field(Field(tag="022", indicators=Indicators("0", " "), subfields=[Subfield("a", issn_for(i))]))
    record.add_field(
        Field(tag="035", indicators=Indicators(" ", " "), subfields=[Subfield("a", f"(OCoLC){10_000_000 + i * 3}")])
    )
    record.add_field(
        Field(
            tag="040",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", "CN-BENCH"), Subfield("b", lang_code), Subfield("c", "CN-BENCH")],
        )
    )
    clc_letters, dewey_base, _weight = CLASS_PICK(rng)
    clc = f"{clc_letters}{rng.randint(0, 99)}"
    if rng.random() < 0.6:
        clc += f".{rng.randint(1, 99)}"
    dewey = f"{int(dewey_base) + rng.randint(0, 9):03d}" + (f".{rng.randint(1, 999)}" if rng.random() < 0.7 else "")
    record.add_field(
        Field(tag="082", indicators=Indicators("0", "4"), subfields=[Subfield("a", dewey), Subfield("2", "23")])
    )
    record.add_field(
        Field(tag="084", indicators=Indicators(" ", " "), subfields=[Subfield("a", clc), Subfield("2", "clc")])
    )
    if lang_code == "chi":
        title, subtitle = zh_title(rng)
        main = zh_name(rng)
        others = [zh_name(rng) for _ in range(rng.choice((0, 0, 1, 2)))]
        statement = main + "著" + ("；" + "，".join(others) + "译" if others and rng.random() < 0.3 else "")
        main_heading, other_headings = main, others
        subjects = ["".join(ZH_PICK(rng) for _ in range(rng.choice((1, 2)))) for _ in range(rng.choice((1, 2, 3)))]
    else:
        title, subtitle = en_title(rng)
        if lang_code != "eng":
            title = f"{title} ({lang_code})"
        inverted, direct = en_name(rng)
        others = [en_name(rng) for _ in range(rng.choice((0, 0, 1, 2)))]
        statement = direct + ("; edited by " + ", ".join(d for _, d in others) if others else "")
        main_heading, other_headings = inverted, [inv for inv, _ in others]
        subjects = [
            " ".join(EN_PICK(rng) for _ in range(rng.choice((1, 2)))).title() for _ in range(rng.choice((1, 2, 3)))
        ]
    if kind == "a" and level == "s":
        statement = ""
    else:
        record.add_field(
            Field(
                tag="100",
                indicators=Indicators("1", " "),
                subfields=[Subfield("a", main_heading + ","), Subfield("e", "author.")],
            )
        )
    title_subs = [Subfield("a", title + (" :" if subtitle else (" /" if statement else ".")))]
    if subtitle:
        title_subs.append(Subfield("b", subtitle + (" /" if statement else ".")))
    if statement:
        title_subs.append(Subfield("c", statement + "."))
    record.add_field(
        Field(tag="245", indicators=Indicators("1" if kind == "a" and level == "m" else "0", "0"), subfields=title_subs)
    )
    if rng.random() < 0.25:
        record.add_field(
            Field(
                tag="250",
                indicators=Indicators(" ", " "),
                subfields=[Subfield("a", "第2版" if lang_code == "chi" else "2nd edition.")],
            )
        )
    record.add_field(
        Field(
            tag="264",
            indicators=Indicators(" ", "1"),
            subfields=[Subfield("a", place + " :"), Subfield("b", publisher + ","), Subfield("c", f"{year}.")],
        )
    )
    pages = rng.randint(48, 980)
    record.add_field(
        Field(
            tag="300",
            indicators=Indicators(" ", " "),
            subfields=[
                Subfield("a", f"{pages}页 ;" if lang_code == "chi" else f"xii, {pages} pages ;"),
                Subfield("c", f"{rng.choice((21, 23, 24, 26))} cm"),
            ],
        )
    )
    record.add_field(
        Field(
            tag="336",
            indicators=Indicators(" ", " "),
            subfields=[Subfield("a", "text"), Subfield("b", "txt"), Subfield("2", "rdacontent")],
        )
    )
    if rng.random() < 0.3:
        record.add_field(
            Field(
                tag="500",
                indicators=Indicators(" ", " "),
                subfields=[
                    Subfield(
                        "a",
                        "Includes bibliographical references and index."
                        if lang_code != "chi"
                        else "含参考书目和索引。",
                    )
                ],
            )
        )
    for subject in dict.fromkeys(subjects):
        record.add_field(
            Field(
                tag="650",
                indicators=Indicators(" ", "0" if lang_code != "chi" else "7"),
                subfields=[Subfield("a", subject + ".")],
            )
        )
    for heading in other_headings:
        record.add_field(
            Field(
                tag="700",
                indicators=Indicators("1", " "),
                subfields=[Subfield("a", heading + ","), Subfield("e", "editor.")],
            )
        )
    return record


def generate(count: int, seed: int, out, queries_path: str | None = None, every: int = 100_000) -> None:
    rng = random.Random(seed)
    sample_rng = random.Random(seed + 1)
    samples: dict[str, list] = {"isbn13": [], "isbn10": [], "title": [], "author": []}
    for i in range(1, count + 1):
        record = make_record(i, rng)
        out.write(record.as_marc())
        if queries_path and sample_rng.random() < 2000 / count:
            isbn = next((normalize(v) for f in record.get_fields("020") for v in f.get_subfields("a")), "")
            if isbn:
                samples["isbn13"].append(isbn)
                samples["isbn10"].append(isbn10_of(isbn))
            title = record["245"].get_subfields("a")[0].rstrip(" :/.")
            samples["title"].append(title)
            heading = next((f.get_subfields("a")[0].rstrip(",") for f in record.get_fields("100")), "")
            if heading:
                samples["author"].append(heading)
        if every and i % every == 0:
            print(f"{i} records", file=sys.stderr, flush=True)
    if queries_path:
        Path(queries_path).write_text(
            json.dumps(query_set(samples, seed), ensure_ascii=False, indent=1), encoding="utf-8"
        )


def normalize(value: str) -> str:
    digits = "".join(ch for ch in value.split(" (")[0] if ch.isdigit() or ch in "Xx").upper()
    return (
        digits
        if len(digits) == 13
        else ("978" + digits[:9] + isbn13("978", int(digits[:9]), 9)[-1] if len(digits) == 10 else "")
    )


def query_set(samples: dict[str, list], seed: int, size: int = 100) -> dict[str, list]:
    """A fixed, varied query set: very common words, middling ones, rare pairs, Chinese and English."""
    rng = random.Random(seed + 2)
    common = ["研究", "中国", "发展", "history", "the", "study", "经济", "management"]
    middling = [w for w in ZH_WORDS[20:80]] + [w for w in EN_WORDS[20:60] if w not in EN_STOP]
    rare = [w for w in ZH_WORDS[-60:]] + [w for w in EN_WORDS[-40:]]
    keyword = list(common)
    while len(keyword) < size:
        roll = rng.random()
        if roll < 0.3:
            keyword.append(rng.choice(middling))
        elif roll < 0.55:
            keyword.append(rng.choice(rare))
        elif roll < 0.8:
            keyword.append(f"{rng.choice(common[:3] + middling[:20])} {rng.choice(middling)}")
        else:
            keyword.append(rng.choice(ZH_WORDS[:40]) + rng.choice(ZH_WORDS[40:]))  # a Chinese phrase
    titles = rng.sample(samples["title"], min(size // 2, len(samples["title"])))
    titles += [rng.choice(ZH_WORDS[:80]) + rng.choice(ZH_TAILS) for _ in range(size // 4)]
    titles += [rng.choice(EN_WORDS[8:80]) for _ in range(size - len(titles))]
    authors = rng.sample(samples["author"], min(size // 2, len(samples["author"])))
    authors += [rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN) for _ in range(size // 4)]
    authors += [rng.choice(EN_SURNAMES) for _ in range(size - len(authors))]
    picks = rng.sample(range(len(samples["isbn13"])), min(size, len(samples["isbn13"])))
    isbn13s = [samples["isbn13"][k] for k in picks]
    isbn10s = [samples["isbn10"][k] for k in picks]
    classes = [c[0] for c in CLASSES] + [f"{c[0]}{rng.randint(0, 99)}" for c in CLASSES for _ in range(3)]
    return {
        "keyword": keyword[:size],
        "title": titles[:size],
        "author": authors[:size],
        "isbn13": isbn13s,
        "isbn10": isbn10s,
        "clc": classes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--out", required=True)
    parser.add_argument("--queries", default="")
    args = parser.parse_args()
    with open(args.out, "wb") as out:
        generate(args.count, args.seed, out, args.queries or None)


if __name__ == "__main__":
    main()
