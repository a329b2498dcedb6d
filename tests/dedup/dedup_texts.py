"""Hand-written scenario texts for the dedup tests and a helper that builds Submission records."""
from __future__ import annotations

from pipeline.records import Submission

# Different scenarios (several share a sub-area on purpose: hard negatives).
ELDERLY_FALL = (
    "拱墅区在三家公办养老院部署毫米波雷达和边缘计算盒子，不装摄像头也能识别老人夜间离床、跌倒和长时间静止。"
    "系统发现异常后十秒内推送到护理员手环，并同步给家属小程序。"
    "试运行半年共发出有效预警两百一十次，夜班巡查人力减少三成，跌倒后平均响应时间由十二分钟缩短到两分钟。"
)
ELDERLY_MEAL = (
    "社区老年食堂引入营养配餐模型，根据老人体检报告中的血糖、血压和肾功能指标自动生成一周菜单，"
    "并结合订餐数据预测次日就餐人数，减少食材浪费。"
    "助餐员上门送餐时用手机拍照上传，系统核对份量和菜品是否符合医嘱，全年服务独居老人四千余人次。"
)
FACTORY_QC = (
    "汽车零部件工厂在冲压线末端安装高速工业相机，用深度学习模型检测拉伤、开裂和凹坑等表面缺陷，"
    "单件检测时间不到一秒，漏检率低于千分之三。"
    "缺陷图片自动回传工艺部门，用于追溯模具磨损和调整压力参数，产线质检人员由八人减为两人。"
)
FACTORY_MAINT = (
    "化纤企业给卷绕机加装振动和温度传感器，训练设备健康度模型，提前一周预判轴承和电机故障，"
    "把事后抢修改为计划检修。维修工单由系统自动派发并附带故障部位和备件清单，"
    "一年来非计划停机时长下降四成，备件库存占用资金减少六百万元。"
)
FARM_IRRIGATION = (
    "茶园布设土壤墒情和气象监测站，结合天气预报用模型计算每块茶地的需水量，自动控制滴灌阀门开关。"
    "春茶季节还能根据积温预测开采日期，提前安排采茶工。"
    "示范基地节水三成、化肥用量下降两成，名优茶产量提高一成以上。"
)
TRAFFIC_SIGNAL = (
    "城区主干道路口接入雷视一体机，实时统计各方向排队长度，信号灯配时由算法每个周期动态调整。"
    "早晚高峰对公交车辆给予优先放行，救护车出警时沿线路口自动绿波。"
    "改造后试点走廊平均通行时间缩短百分之十八，停车次数减少四分之一。"
)
HOSPITAL_TRIAGE = (
    "县人民医院上线智能预问诊，患者挂号后在手机上回答系统生成的问题，病史摘要提前推送到医生工作站。"
    "急诊分诊台用模型根据生命体征给出分级建议，护士确认后执行。"
    "门诊医生问诊时间平均节省三分钟，急诊分级准确率提高到百分之九十五。"
)
SCHOOL_HOMEWORK = (
    "初中数学作业改为平板上完成，系统自动批改并按知识点统计每个学生的错因，为每人推送不超过十道的个性化练习。"
    "教师在看板上查看班级薄弱点，调整第二天的讲评内容。"
    "一学期后试点班级作业时长下降二十分钟，单元测试平均分提高六分。"
)
GOV_APPROVAL = (
    "企业开办一件事改为智能审批，申请材料上传后由模型自动识别营业执照、章程和租赁合同中的关键信息并比对规则，"
    "符合条件的当场出证，不符合的给出具体修改意见。"
    "上线以来办理时间从三天压缩到两小时，材料退回率下降一半。"
)
LOGISTICS_ROUTE = (
    "冷链配送公司用路径优化算法安排每天三百多个门店的补货线路，综合考虑温控车辆载重、门店收货时段和道路拥堵，"
    "司机出车前在手机上收到最优线路。"
    "车辆空驶里程下降一成五，每单配送成本降低零点八元，准时送达率达到百分之九十八。"
)
WATER_FLOOD = (
    "山区小流域布设雨量站和水位雷达，洪水预报模型每十分钟滚动计算下游村庄的淹没风险，"
    "达到阈值后自动向村干部和转移责任人发送预警短信并拨打语音电话。"
    "去年汛期提前两小时转移群众八百余人，未发生人员伤亡。"
)
TOURISM_GUIDE = (
    "古镇景区推出智能导览小程序，游客用语音提问即可获得景点讲解和排队情况，系统根据停留时间和兴趣推荐半日游线路。"
    "节假日客流超过阈值时自动引导游客分流到周边街区。"
    "上线后游客平均停留时间延长四十分钟，二次消费增加一成。"
)

DIFFERENT_SCENARIOS = (
    ELDERLY_FALL, ELDERLY_MEAL, FACTORY_QC, FACTORY_MAINT, FARM_IRRIGATION, TRAFFIC_SIGNAL,
    HOSPITAL_TRIAGE, SCHOOL_HOMEWORK, GOV_APPROVAL, LOGISTICS_ROUTE, WATER_FLOOD, TOURISM_GUIDE,
)

# A light edit of ELDERLY_FALL: place and numbers changed, sentences reordered, a clause rewritten.
ELDERLY_FALL_EDIT = (
    "系统发现异常后十五秒内推送到护理员手环，并同步给家属小程序。"
    "余杭区在五家公办养老院部署毫米波雷达和边缘计算盒子，不装摄像头也能识别老人夜间离床、跌倒和长时间静止。"
    "运行一年共发出有效预警三百余次，夜班巡查人力减少四成，老人跌倒后平均响应时间由十五分钟缩短到三分钟以内。"
)

# Policy paragraphs every applicant writes (our own wording, built from common policy phrases).
POLICY_1 = (
    "为深入贯彻落实省委省政府决策部署，因地制宜发展新质生产力，推动人工智能与实体经济深度融合，"
    "我们坚持以人民为中心，聚焦降本增效、提质增效，打造可复制可推广的典型应用场景，"
    "以数字化转型和智能化改造助力推动高质量发展，为共同富裕示范区建设贡献力量。"
)
POLICY_2 = (
    "本项目认真贯彻落实党中央国务院决策部署，围绕数字经济一号工程，加快培育新质生产力，"
    "以场景开放带动技术迭代升级，努力实现降本提质增效，形成示范引领作用。"
)


def make_sub(sid: str, text: str = "", *, applicant: str = "", city: str = "", round_: str = "",
             **fields: str) -> Submission:
    """A Submission with the given content fields (``text`` is the plain-description field)."""
    content = dict(fields)
    if text:
        content["text"] = text
    return Submission(id=sid, name=f"场景{sid}", applicant=applicant, city=city, round=round_, fields=content)


