//! Generates a realistic Chinese campaign site of N pages for benchmarks: four sections,
//! tags and districts, 400–1500 characters per page, some tables and internal links.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

const SENTENCES: &[&str] = &[
    "为深入推进全国文明城市创建工作，市文明办组织开展了专项督导检查。",
    "志愿者们身穿红马甲，走进社区、学校和农贸市场，开展垃圾分类宣传。",
    "各区要对照测评体系，逐项梳理短板弱项，建立问题清单和整改台账。",
    "活动现场，老党员讲述了自己坚持学雷锋做好事的感人故事。",
    "本次模拟测评共抽查点位一百二十个，整改率达到百分之九十三点三一。",
    "文明交通劝导员在主要路口引导行人和非机动车遵守交通信号。",
    "社区新时代文明实践站为辖区老年人提供了健康义诊和智能手机课堂。",
    "市民文明公约倡导大家爱护公共环境，文明用餐，礼让斑马线。",
    "督导组发现部分背街小巷存在乱堆乱放现象，已要求限期整改。",
    "通过红黑榜通报，进一步压实了各级各部门的创建责任。",
    "河道守护志愿服务队每周末沿岸巡查，清理漂浮垃圾。",
    "公益广告以讲文明树新风为主题，在公交站台和楼宇电视集中投放。",
];
const TAGS: &[&str] = &[
    "志愿服务",
    "学雷锋",
    "垃圾分类",
    "文明交通",
    "敬老爱老",
    "生态环保",
    "红黑榜",
    "测评督导",
    "文明实践",
    "未成年人",
    "道德模范",
    "身边好人",
    "公益广告",
    "文明餐桌",
    "文明旅游",
    "文明养犬",
    "老旧小区",
    "农贸市场",
    "背街小巷",
    "网络文明",
    "诚信建设",
    "移风易俗",
    "文明家庭",
    "文明校园",
    "文明单位",
    "志愿者招募",
    "关爱老人",
    "助残",
    "义诊",
    "河道清洁",
    "交通劝导",
    "文明出行",
    "光盘行动",
    "文明祭扫",
    "社区治理",
    "共建共享",
    "创文攻坚",
    "市民巡访",
    "整改落实",
    "先进典型",
];
const DISTRICTS: &[&str] = &["云栖区", "鹭洲区", "松岭区", "望湖区", "栖云新区"];
const SECTIONS: &[(&str, &str, usize)] = &[
    ("news", "创文动态", 50),
    ("stories", "志愿服务", 25),
    ("notices", "通知公告", 15),
    ("rules", "文明规范", 10),
];

/// A small deterministic random number generator (xorshift64*), so corpora are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The page counts given on the command line (`cargo bench --bench NAME -- 1000 10000`), or
/// `default` when none are.
pub fn sizes_from_args(default: &[usize]) -> Vec<usize> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        default.to_vec()
    } else {
        sizes
    }
}

/// Generates an `n`-page corpus in the target's temporary folder as `NAME-N` and returns its
/// path; exits when it cannot be written.
pub fn generate_in_target(name: &str, n: usize) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{n}"));
    if let Err(e) = generate(&dir, n) {
        eprintln!("cannot generate corpus: {e}");
        std::process::exit(1);
    }
    dir
}

/// Writes a site with `pages` pages into `dir` (which is emptied first).
pub fn generate(dir: &Path, pages: usize) -> io::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    fs::create_dir_all(dir.join("content"))?;
    fs::write(
        dir.join("site.yaml"),
        "title: 栖云文明网（基准测试）\nbase_url: https://bench.example.gov.cn\npaginate: 10\ntaxonomies: [tags, districts]\n",
    )?;
    fs::write(
        dir.join("content/_index.md"),
        "---\ntitle: 首页\n---\n欢迎访问。\n",
    )?;
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let mut names: Vec<String> = Vec::with_capacity(pages);
    for (weight, (section, title, _)) in SECTIONS.iter().enumerate() {
        fs::create_dir_all(dir.join("content").join(section))?;
        fs::write(
            dir.join("content").join(section).join("_index.md"),
            format!("---\ntitle: {title}\nweight: {}\n---\n", weight + 1),
        )?;
    }
    for i in 0..pages {
        let mut pick = rng.below(100);
        let mut section = SECTIONS[0].0;
        for (name, _, share) in SECTIONS {
            if pick < *share {
                section = name;
                break;
            }
            pick -= share;
        }
        let name = format!("{section}/page-{i:05}.md");
        let mut text = String::with_capacity(6000);
        let day = 1 + rng.below(28);
        let month = 1 + rng.below(10);
        let tag_a = TAGS[rng.below(TAGS.len())];
        let tag_b = TAGS[rng.below(TAGS.len())];
        let district = DISTRICTS[rng.below(DISTRICTS.len())];
        let _ = write!(
            text,
            "---\ntitle: {}第{i}期\ndate: 2026-{month:02}-{day:02} {:02}:{:02}\ntags: [{tag_a}, {tag_b}]\ndistricts: [{district}]\nauthor: 栖云市文明办\nsource: 栖云日报\n---\n",
            &SENTENCES[rng.below(SENTENCES.len())][..27],
            rng.below(24),
            rng.below(60)
        );
        let target_chars = 400 + rng.below(1100);
        let mut chars = 0;
        let mut paragraph = 0;
        while chars < target_chars {
            if paragraph % 3 == 2 {
                let _ = writeln!(text, "## 第{}部分\n", paragraph / 3 + 1);
            }
            for _ in 0..3 {
                let s = SENTENCES[rng.below(SENTENCES.len())];
                text.push_str(s);
                chars += s.chars().count();
            }
            text.push_str("\n\n");
            paragraph += 1;
        }
        if i % 10 == 0 {
            text.push_str("| 区县 | 得分 | 整改率 |\n|---|---|---|\n");
            for d in DISTRICTS {
                let _ = writeln!(
                    text,
                    "| {d} | {} | {}% |",
                    80 + rng.below(20),
                    85 + rng.below(15)
                );
            }
            text.push('\n');
        }
        if i % 7 == 0 && !names.is_empty() {
            let target = &names[rng.below(names.len())];
            let _ = writeln!(text, "相关阅读：[往期报道](@/{target})\n");
        }
        fs::write(dir.join("content").join(&name), text)?;
        names.push(name);
    }
    Ok(())
}
