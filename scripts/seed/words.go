package seed

// Word lists for realistic, deterministic data: gofakeit has no Chinese,
// so the names, roles, skills and sentences are ours.

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高",
	"梁", "郑", "谢", "宋", "唐", "许", "邓", "冯", "韩", "曹", "曾", "彭", "萧", "蔡", "潘", "田", "董", "袁", "于", "余"}

var givenNames = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
	"刚", "桂英", "子涵", "梓萱", "浩然", "雨桐", "宇轩", "欣怡", "思远", "佳怡", "俊杰", "嘉怡", "一鸣", "若曦", "晨阳", "诗涵", "子墨", "书瑶", "皓轩", "语嫣"}

var englishFirst = []string{"Alex", "Chris", "Jamie", "Taylor", "Morgan", "Sam", "Jordan", "Casey", "Riley", "Avery", "Kai", "Leo", "Mia", "Nina",
	"Oscar", "Ivy", "Ethan", "Chloe", "Lucas", "Grace"}

var englishLast = []string{"Chan", "Wong", "Lee", "Ng", "Cheung", "Lau", "Smith", "Tanaka", "Kim", "Park", "Garcia", "Müller", "Silva", "Nguyen", "Ho"}

// role is a kind of digital-creative talent.
type role struct {
	zh, en     string
	skills     []string
	tools      []string
	industries []string
	bios       []string // %d is years of experience
}

var roles = []role{
	{"原画师", "Concept Artist", []string{"原画", "角色设计", "场景设计", "概念设计", "concept art"}, []string{"Photoshop", "Procreate", "Clip Studio Paint"},
		[]string{"games", "animation"}, []string{"%d年游戏原画经验，擅长角色与场景原画。", "Concept artist with %d years in games, strong in character design.", "负责项目角色原画、道具设计与美宣插画，%d年经验。"}},
	{"三维建模师", "3D Modeler", []string{"三维建模", "角色建模", "高模雕刻", "PBR贴图", "拓扑"}, []string{"ZBrush", "Maya", "Blender", "Substance Painter", "3ds Max"},
		[]string{"games", "film_tv", "vr_ar"}, []string{"%d年三维建模经验，熟悉次世代角色制作流程。", "3D modeler (%d years): sculpting, retopology, PBR texturing."}},
	{"动画师", "Animator", []string{"角色动画", "关键帧动画", "骨骼动画", "动作设计"}, []string{"Maya", "Spine", "MotionBuilder", "Blender"},
		[]string{"animation", "games", "film_tv"}, []string{"%d年动画经验，负责角色战斗动作与表演动画。", "Animator with %d years of keyframe and skeletal animation."}},
	{"技术美术", "Technical Artist", []string{"技术美术", "Shader", "渲染管线", "程序化生成"}, []string{"Houdini", "Unreal Engine 5", "Unity", "Substance Designer"},
		[]string{"games", "vr_ar"}, []string{"技术美术，%d年经验，负责Shader与渲染效果优化。", "Technical artist bridging art and engineering, %d years."}},
	{"UE5开发工程师", "Unreal Engine Developer", []string{"虚幻引擎", "蓝图", "C++", "关卡设计"}, []string{"Unreal Engine 5", "Visual Studio", "Perforce"},
		[]string{"games", "vr_ar", "film_tv"}, []string{"%d年虚幻引擎开发经验，熟悉蓝图与C++。", "Unreal Engine developer, %d years, gameplay and tools."}},
	{"Unity开发工程师", "Unity Developer", []string{"Unity", "C#", "热更新", "性能优化"}, []string{"Unity", "Rider", "Git"},
		[]string{"games", "vr_ar"}, []string{"手游客户端开发%d年，精通Unity与C#。", "Unity developer with %d years on mobile games."}},
	{"游戏策划", "Game Designer", []string{"游戏策划", "数值策划", "系统策划", "关卡设计"}, []string{"Excel", "Axure", "Unity"},
		[]string{"games"}, []string{"%d年游戏策划经验，负责系统与数值设计。", "Game designer, %d years: systems, economy and levels."}},
	{"动捕技术员", "Motion Capture Technician", []string{"动作捕捉", "动捕数据清理", "面部捕捉"}, []string{"Vicon Shogun", "MotionBuilder", "Xsens"},
		[]string{"games", "film_tv", "animation"}, []string{"负责动捕棚拍摄与数据清理，%d年经验。", "Mocap technician with %d years of optical and inertial capture."}},
	{"电竞选手", "Esports Player", []string{"电竞", "战术分析", "团队协作"}, []string{"OBS"},
		[]string{"esports"}, []string{"职业电竞选手，%d年赛事经验。", "Professional esports player with %d years in leagues."}},
	{"电竞解说", "Esports Caster", []string{"电竞解说", "赛事直播", "内容策划"}, []string{"OBS", "Premiere Pro"},
		[]string{"esports", "live_streaming"}, []string{"电竞解说%d年，熟悉多款赛事。", "Esports caster, %d years on stage and stream."}},
	{"交互设计师", "UX Designer", []string{"交互设计", "用户研究", "原型设计", "用户体验"}, []string{"Figma", "Axure", "Sketch"},
		[]string{"creative_design", "games"}, []string{"%d年交互设计经验，关注用户体验。", "UX designer with %d years of research and interaction design."}},
	{"插画师", "Illustrator", []string{"插画", "绘本", "封面设计", "角色插画"}, []string{"Procreate", "Photoshop"},
		[]string{"digital_art", "digital_publishing", "animation"}, []string{"%d年商业插画经验。", "Illustrator, %d years of book and editorial work."}},
	{"短视频编导", "Short Video Director", []string{"短视频", "编导", "剪辑", "脚本策划"}, []string{"Premiere Pro", "DaVinci Resolve", "剪映"},
		[]string{"live_streaming", "online_av"}, []string{"短视频编导%d年，擅长品牌内容。", "Short video director with %d years for brands."}},
	{"视觉特效师", "VFX Artist", []string{"视觉特效", "合成", "粒子特效"}, []string{"Houdini", "Nuke", "After Effects"},
		[]string{"film_tv", "games"}, []string{"%d年影视特效经验。", "VFX artist with %d years in film and games."}},
	{"虚拟人制作", "Digital Human Artist", []string{"虚拟人", "面部绑定", "数字人"}, []string{"Maya", "Unreal Engine 5", "MetaHuman Creator"},
		[]string{"vr_ar", "live_streaming", "film_tv"}, []string{"数字人制作%d年，负责面部绑定与驱动。", "Digital human artist, %d years of facial rigging."}},
	{"音效设计师", "Sound Designer", []string{"音效设计", "混音", "配乐"}, []string{"Wwise", "Pro Tools", "Reaper"},
		[]string{"games", "online_music", "film_tv"}, []string{"%d年游戏音效经验。", "Sound designer with %d years for games."}},
	{"网络文学作者", "Web Novelist", []string{"网络文学", "剧情策划", "世界观设定"}, []string{"Scrivener"},
		[]string{"online_literature", "digital_publishing"}, []string{"网络文学作者，连载%d年。", "Web novelist writing serials for %d years."}},
	{"非遗数字化工程师", "Heritage Digitisation Engineer", []string{"三维扫描", "摄影测量", "非遗数字化"}, []string{"RealityCapture", "3ds Max"},
		[]string{"digital_heritage", "vr_ar"}, []string{"%d年文物三维扫描与数字化经验。", "Heritage digitisation engineer, %d years."}},
}

var districts = []string{"nanshan", "nanshan", "nanshan", "longgang", "longgang", "futian", "futian", "luohu", "baoan", "baoan", "yantian",
	"longhua", "pingshan", "guangming", "dapeng", "shenshan", "outside"}

var workTitles = []string{"山海", "赛博长安", "星际远征", "雾中城", "风起时", "万象", "潮汐", "夜行者", "云端之上", "青丘", "龙城", "未来之城",
	"Echoes", "Neon Drift", "Starfall", "Ironbound", "Last Light"}

var orgNames = []string{"腾云", "光子", "星海", "飞鱼", "極光", "墨点", "像素", "天穹", "灵境", "深蓝", "火山", "青鸟", "蓝鲸", "幻象", "方舟", "南极星"}

var orgSuffixes = []string{"互动娱乐有限公司", "数字科技有限公司", "动画工作室", "文化传媒有限公司", "电竞俱乐部", "孵化器", "双创服务中心", "数字艺术研究院"}
