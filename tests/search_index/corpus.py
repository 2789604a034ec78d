"""A small hand-made corpus of Chinese community services for the search tests.

Expected hits are derived from it by plain substring scans (see `matching`),
never hard-coded. Traps on purpose: s13 holds 养老 only across a word boundary
(培养老年), s15/s22 hold 心理 and 咨询 but not 心理咨询, s23 holds HTML,
s09 holds 老年 and 年人 but not 老年人, s27 has a filter value with double quotes, s29/s30 have identical text.
"""

from __future__ import annotations

from collections import Counter

from search_index import IndexSpec

SPEC = IndexSpec(
    name="services",
    searchable=("name", "description"),
    filterable=("field", "targets", "district"),
    facets=("field", "targets", "district"),
    sortable=("fee", "updated"),
    primary_key="id",
)

_ROWS = [
    ("夕阳红居家养老服务站", "为辖区老年人提供上门助餐、助浴和日间照料服务。", "养老服务", ["老年人"], "430702", 0, "2024-03-01"),
    ("社区心理咨询室", "由专业社工提供一对一心理咨询，关注青少年和家庭关系。", "心理健康", ["青少年", "家庭"], "430702", 20, "2024-05-12"),
    ("长者日间照料中心", "日间照料、康复训练与文娱活动，兼顾失能老人的居家养老需求。", "养老服务", ["老年人"], "430703", 30, "2023-11-20"),
    ("儿童之家", "课后托管与亲子阅读，配备心理健康辅导老师。", "儿童关爱", ["儿童", "家庭"], "430702", 0, "2024-01-08"),
    ("心理健康热线", "24小时心理援助热线，提供危机干预与情绪疏导。", "心理健康", ["青少年", "老年人", "家庭"], "430721", 0, "2024-06-30"),
    ("老年食堂", "社区老年人助餐点，每日供应午餐，行动不便者可申请上门送餐。", "养老服务", ["老年人"], "430703", 10, "2024-02-14"),
    ("残疾人康复服务站", "为残疾人提供康复训练、辅具租借和上门康复指导。", "残障支持", ["残疾人"], "430702", 0, "2023-09-01"),
    ("社区治理议事厅", "组织居民协商议事，推动社区公共事务共建共治。", "社区治理", ["家庭"], "430703", 0, "2024-04-22"),
    ("青少年成长营", "开展心理团体辅导与生涯规划，邀请老年志愿者与青年人结对。", "心理健康", ["青少年"], "430721", 50, "2024-07-05"),
    ("智慧养老APP", "老年人可通过手机APP预约上门护理和家政服务。", "养老服务", ["老年人"], "430702", 0, "2024-08-18"),
    ("失独家庭关爱计划", "为失独老人提供心理咨询、结对陪伴和节日探访。", "心理健康", ["老年人", "家庭"], "430703", 0, "2024-03-27"),
    ("社区卫生服务中心", "提供家庭医生签约、慢病管理和老年人健康体检。", "医疗卫生", ["老年人", "家庭"], "430702", 15, "2023-12-05"),
    ("志愿者培训班", "培养老年志愿者和青年志愿者，开展社区服务技能培训。", "社区治理", ["老年人", "青少年"], "430721", 0, "2024-05-30"),
    ("四点半课堂", "放学后为双职工家庭儿童提供作业辅导与安全看护。", "儿童关爱", ["儿童"], "430703", 5, "2024-09-01"),
    ("婚姻家庭辅导站", "提供婚姻调解与家庭关系辅导，必要时转介心理、法律咨询服务。", "心理健康", ["家庭"], "430702", 0, "2024-02-29"),
    ("社区心理服务站", "社区居民可预约心理健康评估，社工定期开展心理讲座。", "心理健康", ["家庭", "老年人"], "430703", 0, "2024-10-10"),
    ("居家养老上门服务队", "护理员上门为高龄、独居老年人提供生活照料和陪诊服务。", "养老服务", ["老年人"], "430721", 40, "2024-06-01"),
    ("残疾儿童康复中心", "为残疾儿童提供言语、运动康复和家长心理咨询。", "残障支持", ["残疾人", "儿童"], "430702", 25, "2024-01-20"),
    ("社区法律援助站", "律师每周驻点，为困难群众提供免费法律咨询。", "社区治理", ["家庭"], "430703", 0, "2023-10-15"),
    ("老年大学", "开设书法、声乐、智能手机等课程，丰富老年人精神生活。", "养老服务", ["老年人"], "430702", 100, "2024-09-15"),
    ("心理咨询志愿服务队", "社区志愿者经培训后，为居民提供基础心理咨询与陪伴服务。", "心理健康", ["家庭", "青少年"], "430721", 0, "2024-04-01"),
    ("流动儿童服务站", "为随迁子女提供 WiFi 学习室、课业辅导和心理，咨询。", "儿童关爱", ["儿童"], "430703", 0, "2024-07-20"),
    ("助残就业服务", "为残疾人提供职业培训与就业推荐，<b>重点</b>帮扶困难家庭。", "残障支持", ["残疾人"], "430702", 0, "2024-08-01"),
    ("社区养老驿站", "嵌入式养老服务，提供短期托养、助浴和上门巡访。", "养老服务", ["老年人"], "430703", 60, "2024-05-05"),
    ("禁毒社工站", "开展禁毒宣传与社区戒毒康复人员心理疏导。", "社区治理", ["青少年"], "430721", 0, "2023-08-08"),
    ("家庭教育指导中心", "为家长提供家庭教育咨询、亲子沟通和心理健康讲座。", "儿童关爱", ["家庭", "儿童"], "430702", 0, "2024-03-15"),
    ("社区微治理项目", "由居民自主提出的“微心愿”“微改造”项目。", '社区"微"治理', ["家庭"], "430703", 0, "2024-11-11"),
    ("老年人防诈骗讲座", "民警与社工上门讲解防诈骗知识，守护老年人钱袋子。", "社区治理", ["老年人"], "430721", 0, "2024-10-01"),
    ("邻里互助服务站", "邻里互助，守望相助。", "社区治理", ["家庭"], "430702", 0, "2024-02-02"),
    ("邻里互助服务站", "邻里互助，守望相助。", "社区治理", ["家庭"], "430703", 0, "2024-02-02"),
]

DOCS = [
    {"id": f"s{i:02d}", "name": name, "description": desc, "field": field, "targets": targets,
     "district": district, "fee": fee, "updated": updated}
    for i, (name, desc, field, targets, district, fee, updated) in enumerate(_ROWS, start=1)
]
BY_ID = {d["id"]: d for d in DOCS}


def contains(doc: dict, term: str, fields: tuple[str, ...] = SPEC.searchable) -> bool:
    return any(term.lower() in str(doc[f]).lower() for f in fields)


def matching(q: str = "", filters: dict[str, list[str]] | None = None) -> set[str]:
    """Ids whose searchable fields contain every term of `q` and that pass `filters`."""
    out = set()
    for doc in DOCS:
        if not all(contains(doc, term) for term in q.split()):
            continue
        ok = True
        for field, accepted in (filters or {}).items():
            values = doc[field] if isinstance(doc[field], list) else [doc[field]]
            ok = ok and any(v in accepted for v in values)
        if ok:
            out.add(doc["id"])
    return out


def facet_counts(ids: set[str] | list[str], fields: tuple[str, ...]) -> dict[str, dict[str, int]]:
    out = {}
    for field in fields:
        counter: Counter[str] = Counter()
        for doc_id in ids:
            value = BY_ID[doc_id][field]
            counter.update(value if isinstance(value, list) else [value])
        out[field] = dict(counter)
    return out
