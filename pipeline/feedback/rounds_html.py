"""The page of `scenario-screen feedback routing-over-rounds`: one self-contained HTML file (charts inline)."""

TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>分办准确率：逐轮、按责任单位</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f0f4f8; }
td.name, th.name { text-align: left; }
.low { background: #fde2e2; }
img { max-width: 100%; }
.note { color: #555; font-size: 13px; }
</style>
</head>
<body>
<h1>分办准确率：逐轮、按责任单位</h1>
<p class="note">依据：部门联审中评审人员核定的子方向{% if source %}（{{ source }}）{% endif %}。
“分办”指模型建议子方向所属的责任单位；“保留”指评审人员未改动其归属单位；“移出”指改到其他单位或“退回分办”；
“退回分办”而未填写核定子方向的，去向记为“未指明”，不计入任何单位的召回率。
精确率 = 保留 ÷ 分办到本单位；召回率 = 保留 ÷ 核定属于本单位。</p>

<h2>各轮总体</h2>
<table>
<tr><th class="name">轮次</th><th>已评审</th><th>未经模型分办</th><th>移出</th><th>其中去向未指明</th><th>改动子方向</th><th>分办准确率</th>
<th>需人工分办</th><th>自动分办精确率</th></tr>
{% for s in summaries %}
<tr><td class="name">{{ s.round }}</td><td>{{ s.reviewed }}</td><td>{{ s.unrouted }}</td><td>{{ s.moved }}</td><td>{{ s.unplaced }}</td>
<td>{{ s.corrected }}</td><td>{{ "%.1f%%" % (s.accuracy * 100) if s.accuracy is not none else "—" }}</td>
<td>{{ s.by_hand }}</td><td>{{ "%.1f%%" % (s.auto_precision * 100) if s.auto_precision is not none else "—" }}</td></tr>
{% endfor %}
</table>
{% if summary_png %}<img alt="各轮分办准确率" src="data:image/png;base64,{{ summary_png }}">{% endif %}

<h2>各责任单位逐轮情况</h2>
{% if units_png %}<img alt="各单位逐轮分办" src="data:image/png;base64,{{ units_png }}">{% endif %}
{% for uid in units %}
<h3>{{ tax.units[uid].name }}</h3>
<table>
<tr><th class="name">轮次</th><th>分办到本单位</th><th>保留</th><th>移出</th><th class="name">移往</th><th>从他处转入</th>
<th class="name">转入自</th><th>核定属于本单位</th><th>精确率</th><th>召回率</th><th>自动分办精确率</th></tr>
{% for r in rows if r.unit == uid %}
<tr{% if (r.precision is not none and r.precision < 0.9) or (r.recall is not none and r.recall < 0.9) %} class="low"{% endif %}>
<td class="name">{{ r.round }}</td><td>{{ r.routed }}</td><td>{{ r.kept }}</td><td>{{ r.moved_out }}</td>
<td class="name">{{ where(r.moved_to) }}</td><td>{{ r.received }}</td><td class="name">{{ where(r.received_from) }}</td>
<td>{{ r.belong }}</td>
<td>{{ "%.3f" % r.precision if r.precision is not none else "—" }}</td>
<td>{{ "%.3f" % r.recall if r.recall is not none else "—" }}</td>
<td>{{ "%.3f" % r.auto_precision if r.auto_precision is not none else "—" }}</td></tr>
{% endfor %}
</table>
{% endfor %}

{% if matrix_png %}
<h2>第 {{ latest }} 轮：实际归属（行）× 模型分办（列）</h2>
<img alt="分办混淆矩阵" src="data:image/png;base64,{{ matrix_png }}">
{% endif %}

<h2>评审移出明细</h2>
<table>
<tr><th class="name">轮次</th><th class="name">模型分办</th><th class="name">评审核定</th><th>件数</th></tr>
{% for label, a, b, n in moves %}
<tr><td class="name">{{ label }}</td><td class="name">{{ a }}</td><td class="name">{{ b }}</td><td>{{ n }}</td></tr>
{% endfor %}
</table>
</body>
</html>
"""
