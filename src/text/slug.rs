//! URL slugs: Chinese becomes toneless pinyin, one syllable per hyphen-separated part, each
//! character read by the word it is in (长江 → chang-jiang, 银行行长 → yin-hang-hang-zhang,
//! traditional 銀行行長 alike). ASCII letters and digits are kept; everything else separates
//! words.
//!
//! Words are found by forward maximum matching against a phrase table — pypinyin's approach
//! without jieba — built from three layers, later ones winning: the phrases of pypinyin's
//! dictionary whose reading differs from the character-by-character one (generated into
//! `pinyin_phrases.txt` by `scripts/pinyin-phrases.py`), [`LEGACY_PHRASES`] and
//! [`CORRECTIONS`]. A character in no phrase takes the `pinyin` crate's first reading.
//! Traditional characters are looked up by their simplified form (`traditional.txt`).
//!
//! [`legacy_slugify`] reads as wenming did before word-aware pinyin (LEGACY_PHRASES only,
//! no traditional forms), so a page whose URL changed keeps its old one as an alias.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use pinyin::ToPinyin;

/// Generated: phrases whose reading differs from their characters' first readings.
const GENERATED_PHRASES: &str = include_str!("pinyin_phrases.txt");

/// Generated: traditional characters and their simplified forms.
const TRADITIONAL: &str = include_str!("traditional.txt");

/// wenming's own readings where the dictionary's first choice is not what a reader of a
/// city website says.
/// (The dictionary reads 朝阳 zhao-yang "morning sun", 同行 tong-hang "same trade", 献血
/// xian-xie; campaign pages mean the district, walking together and blood donation.)
const CORRECTIONS: &[(&str, &str)] = &[
    ("朝阳", "chao yang"),
    ("同行", "tong xing"),
    ("献血", "xian xue"),
    ("采血", "cai xue"),
    ("流血", "liu xue"),
    ("出血", "chu xue"),
];

/// The phrase table wenming's slugs used before word-aware pinyin: the words whose URL a
/// published page may still have. Still part of today's reading (its entries are correct,
/// but for 朝阳, see [`CORRECTIONS`]).
const LEGACY_PHRASES: &[(&str, &str)] = &[
    ("重庆", "chong qing"),
    ("重新", "chong xin"),
    ("重复", "chong fu"),
    ("重阳", "chong yang"),
    ("重建", "chong jian"),
    ("重温", "chong wen"),
    ("重返", "chong fan"),
    ("重逢", "chong feng"),
    ("银行", "yin hang"),
    ("行业", "hang ye"),
    ("行列", "hang lie"),
    ("内行", "nei hang"),
    ("外行", "wai hang"),
    ("商行", "shang hang"),
    ("长大", "zhang da"),
    ("成长", "cheng zhang"),
    ("市长", "shi zhang"),
    ("县长", "xian zhang"),
    ("区长", "qu zhang"),
    ("镇长", "zhen zhang"),
    ("村长", "cun zhang"),
    ("校长", "xiao zhang"),
    ("家长", "jia zhang"),
    ("部长", "bu zhang"),
    ("局长", "ju zhang"),
    ("处长", "chu zhang"),
    ("科长", "ke zhang"),
    ("组长", "zu zhang"),
    ("队长", "dui zhang"),
    ("站长", "zhan zhang"),
    ("院长", "yuan zhang"),
    ("省长", "sheng zhang"),
    ("社长", "she zhang"),
    ("班长", "ban zhang"),
    ("州长", "zhou zhang"),
    ("路长", "lu zhang"),
    ("街长", "jie zhang"),
    ("河长", "he zhang"),
    ("楼长", "lou zhang"),
    ("所长", "suo zhang"),
    ("厅长", "ting zhang"),
    ("首长", "shou zhang"),
    ("师长", "shi zhang"),
    ("学长", "xue zhang"),
    ("兄长", "xiong zhang"),
    ("长辈", "zhang bei"),
    ("长者", "zhang zhe"),
    ("生长", "sheng zhang"),
    ("增长", "zeng zhang"),
    ("助长", "zhu zhang"),
    ("了解", "liao jie"),
    ("音乐", "yin yue"),
    ("乐器", "yue qi"),
    ("乐队", "yue dui"),
    ("目的", "mu di"),
    ("的确", "di que"),
    ("还是", "hai shi"),
    ("还有", "hai you"),
    ("首都", "shou du"),
    ("都市", "du shi"),
    ("都会", "du hui"),
    ("调查", "diao cha"),
    ("调研", "diao yan"),
    ("调度", "diao du"),
    ("调动", "diao dong"),
    ("单调", "dan diao"),
    ("音调", "yin diao"),
    ("曲调", "qu diao"),
    ("人参", "ren shen"),
    ("反省", "fan xing"),
    ("角色", "jue se"),
    ("主角", "zhu jue"),
    ("西藏", "xi zang"),
    ("宝藏", "bao zang"),
    ("出差", "chu chai"),
    ("效率", "xiao lv"),
    ("频率", "pin lv"),
    ("比率", "bi lv"),
    ("概率", "gai lv"),
    ("汇率", "hui lv"),
    ("利率", "li lv"),
    ("税率", "shui lv"),
    ("曾经", "ceng jing"),
    ("未曾", "wei ceng"),
    ("不曾", "bu ceng"),
    ("厦门", "xia men"),
    ("便宜", "pian yi"),
    ("种植", "zhong zhi"),
    ("种树", "zhong shu"),
    ("种地", "zhong di"),
    ("播种", "bo zhong"),
    ("耕种", "geng zhong"),
    ("少年", "shao nian"),
    ("少儿", "shao er"),
    ("少先队", "shao xian dui"),
    ("处理", "chu li"),
    ("处罚", "chu fa"),
    ("处置", "chu zhi"),
    ("相处", "xiang chu"),
    ("好处", "hao chu"),
    ("数量", "shu liang"),
    ("着力", "zhuo li"),
    ("着手", "zhuo shou"),
    ("着眼", "zhuo yan"),
    ("着重", "zhuo zhong"),
    ("睡着", "shui zhao"),
    ("朝阳", "zhao yang"),
    ("朝气", "zhao qi"),
    ("和面", "huo mian"),
    ("暖和", "nuan huo"),
    ("模样", "mu yang"),
    ("一模一样", "yi mu yi yang"),
    ("大夫", "dai fu"),
    ("自传", "zi zhuan"),
    ("传记", "zhuan ji"),
    ("更新", "geng xin"),
    ("更加", "geng jia"),
    ("降落", "jiang luo"),
    ("投降", "tou xiang"),
    ("尽管", "jin guan"),
    ("尽快", "jin kuai"),
    ("尽量", "jin liang"),
    ("几乎", "ji hu"),
    ("茶几", "cha ji"),
    ("解放", "jie fang"),
    ("会计", "kuai ji"),
    ("累计", "lei ji"),
    ("积累", "ji lei"),
    ("露天", "lu tian"),
    ("暴露", "bao lu"),
    ("露面", "lou mian"),
    ("参差", "cen ci"),
    ("差异", "cha yi"),
    ("差距", "cha ju"),
    ("误差", "wu cha"),
    ("落实", "luo shi"),
    ("应该", "ying gai"),
    ("应当", "ying dang"),
    ("应急", "ying ji"),
    ("答应", "da ying"),
    ("供应", "gong ying"),
    ("响应", "xiang ying"),
    ("为人民", "wei ren min"),
    ("为民", "wei min"),
    ("因为", "yin wei"),
    ("为了", "wei le"),
    ("作为", "zuo wei"),
    ("行为", "xing wei"),
    ("认为", "ren wei"),
    ("成为", "cheng wei"),
    ("称为", "cheng wei"),
    ("为主", "wei zhu"),
    ("文明行为", "wen ming xing wei"),
    ("志愿服务", "zhi yuan fu wu"),
    ("创文", "chuang wen"),
    ("和谐", "he xie"),
    ("地方", "di fang"),
    ("地区", "di qu"),
    ("给予", "ji yu"),
    ("供给", "gong ji"),
    ("自给", "zi ji"),
    ("正月", "zheng yue"),
    ("蚌埠", "beng bu"),
    ("六安", "lu an"),
    ("丽水", "li shui"),
    ("台州", "tai zhou"),
    ("单于", "chan yu"),
    ("尉迟", "yu chi"),
    ("乐于助人", "le yu zhu ren"),
    ("助人为乐", "zhu ren wei le"),
    ("快乐", "kuai le"),
    ("欢乐", "huan le"),
    ("娱乐", "yu le"),
    ("乐观", "le guan"),
    ("觉得", "jue de"),
    ("睡觉", "shui jiao"),
    ("午觉", "wu jiao"),
    ("教书", "jiao shu"),
    ("似的", "shi de"),
    ("看守", "kan shou"),
    ("看护", "kan hu"),
    ("空闲", "kong xian"),
    ("空地", "kong di"),
    ("填空", "tian kong"),
    ("没有", "mei you"),
    ("得到", "de dao"),
    ("得分", "de fen"),
    ("得分率", "de fen lv"),
    ("整改率", "zheng gai lv"),
    ("覆盖率", "fu gai lv"),
    ("知晓率", "zhi xiao lv"),
    ("满意率", "man yi lv"),
    ("合格率", "he ge lv"),
    ("完成率", "wan cheng lv"),
    ("参与率", "can yu lv"),
    ("率先", "shuai xian"),
    ("宣传", "xuan chuan"),
    ("传统", "chuan tong"),
    ("重点", "zhong dian"),
    ("重要", "zhong yao"),
];

/// A phrase table and its longest phrase, in characters.
struct Phrases {
    readings: HashMap<&'static str, &'static str>,
    longest: usize,
}

impl Phrases {
    fn new(layers: impl Iterator<Item = (&'static str, &'static str)>) -> Phrases {
        let readings: HashMap<_, _> = layers.collect();
        let longest = readings
            .keys()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(1);
        Phrases { readings, longest }
    }
}

/// Lines of a generated table: two tab-separated fields, `#` comments skipped.
fn table_lines(table: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
}

fn current_phrases() -> &'static Phrases {
    static PHRASES: OnceLock<Phrases> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let layers = table_lines(GENERATED_PHRASES)
            .chain(LEGACY_PHRASES.iter().copied())
            .chain(CORRECTIONS.iter().copied());
        Phrases::new(layers)
    })
}

fn legacy_phrases() -> &'static Phrases {
    static PHRASES: OnceLock<Phrases> = OnceLock::new();
    PHRASES.get_or_init(|| Phrases::new(LEGACY_PHRASES.iter().copied()))
}

fn simplified(c: char) -> char {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        table_lines(TRADITIONAL)
            .filter_map(|(t, s)| Some((t.chars().next()?, s.chars().next()?)))
            .collect()
    });
    table.get(&c).copied().unwrap_or(c)
}

/// Converts text to a URL slug: `文明行为促进条例` → `wen-ming-xing-wei-cu-jin-tiao-li`,
/// `2026年工作要点` → `2026-nian-gong-zuo-yao-dian`. Returns an empty string when nothing in
/// the text can be written in ASCII (e.g. only emoji).
pub fn slugify(text: &str) -> String {
    let read: String = text.chars().map(simplified).collect();
    slug_with(&read, current_phrases())
}

/// The slug wenming gave `text` before word-aware pinyin (see the module comment).
pub fn legacy_slugify(text: &str) -> String {
    slug_with(text, legacy_phrases())
}

fn slug_with(text: &str, phrases: &Phrases) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut words: Vec<String> = Vec::new();
    let mut ascii = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_ascii_alphanumeric() {
            ascii.push(c.to_ascii_lowercase());
            i += 1;
            continue;
        }
        if let Some(folded) = fold_fullwidth(c) {
            ascii.push(folded);
            i += 1;
            continue;
        }
        if !ascii.is_empty() {
            words.push(std::mem::take(&mut ascii));
        }
        match phrase_at(text, &chars[i..], phrases) {
            Some((len, "")) => {
                words.extend(chars[i..i + len].iter().filter_map(|(_, c)| syllable(*c)));
                i += len;
            }
            Some((len, reading)) => {
                words.extend(reading.split(' ').map(str::to_string));
                i += len;
            }
            None => {
                words.extend(syllable(c));
                i += 1;
            }
        }
    }
    if !ascii.is_empty() {
        words.push(ascii);
    }
    limit_length(words.join("-"), 80)
}

/// A character's first reading, toneless (`ü` written `v`), if it has one.
fn syllable(c: char) -> Option<String> {
    let syllable: String = c
        .to_pinyin()?
        .plain()
        .replace('ü', "v")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    (!syllable.is_empty()).then_some(syllable)
}

/// The longest phrase of `phrases` at the start of `chars` (char indices into `text`): its
/// length in characters and its reading.
fn phrase_at(
    text: &str,
    chars: &[(usize, char)],
    phrases: &Phrases,
) -> Option<(usize, &'static str)> {
    let start = chars.first()?.0;
    let longest = chars.len().min(phrases.longest);
    (2..=longest).rev().find_map(|len| {
        let end = chars.get(len).map_or(text.len(), |(i, _)| *i);
        phrases.readings.get(&text[start..end]).map(|r| (len, *r))
    })
}

/// Full-width Latin letters and digits (ＡＢＣ１２３) become ASCII.
fn fold_fullwidth(c: char) -> Option<char> {
    let n = c as u32;
    if (0xFF10..=0xFF19).contains(&n)
        || (0xFF21..=0xFF3A).contains(&n)
        || (0xFF41..=0xFF5A).contains(&n)
    {
        char::from_u32(n - 0xFEE0).map(|a| a.to_ascii_lowercase())
    } else {
        None
    }
}

/// Cuts an over-long slug at a hyphen so URLs stay shareable.
fn limit_length(slug: String, max: usize) -> String {
    if slug.len() <= max {
        return slug;
    }
    let cut = slug[..max].rfind('-').unwrap_or(max);
    slug[..cut].to_string()
}

/// True when `s` is already a good slug part: lowercase ASCII letters, digits, `-` and `_`.
pub fn is_clean_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_get_their_correct_reading() {
        assert_eq!(slugify("重庆"), "chong-qing");
        assert_eq!(slugify("银行"), "yin-hang");
        assert_eq!(slugify("温暖同行"), "wen-nuan-tong-xing");
        assert_eq!(slugify("市长信箱"), "shi-zhang-xin-xiang");
        assert_eq!(
            slugify("文明行为促进条例"),
            "wen-ming-xing-wei-cu-jin-tiao-li"
        );
    }

    /// Everyday words with polyphonic characters, not used to build the tables (pypinyin
    /// 0.55 reads 143 of these 147 right: 朝阳, 銀行行長, 長江大橋 and 大夫 wrong).
    const HELD_OUT: &[(&str, &str)] = &[
        ("长江", "chang-jiang"),
        ("行长", "hang-zhang"),
        ("朝阳", "chao-yang"),
        ("调整", "tiao-zheng"),
        ("还原", "huan-yuan"),
        ("着急", "zhao-ji"),
        ("校对", "jiao-dui"),
        ("薄弱", "bo-ruo"),
        ("曝光台", "bao-guang-tai"),
        ("淹没", "yan-mo"),
        ("银行行长", "yin-hang-hang-zhang"),
        ("銀行行長", "yin-hang-hang-zhang"),
        ("長江大橋", "chang-jiang-da-qiao"),
        ("长城", "chang-cheng"),
        ("长期", "chang-qi"),
        ("长度", "chang-du"),
        ("成长", "cheng-zhang"),
        ("董事长", "dong-shi-zhang"),
        ("行人", "xing-ren"),
        ("行业", "hang-ye"),
        ("步行", "bu-xing"),
        ("朝代", "chao-dai"),
        ("调查", "diao-cha"),
        ("协调", "xie-tiao"),
        ("空调", "kong-tiao"),
        ("还是", "hai-shi"),
        ("归还", "gui-huan"),
        ("着想", "zhuo-xiang"),
        ("接着", "jie-zhe"),
        ("学校", "xue-xiao"),
        ("校正", "jiao-zheng"),
        ("薄荷", "bo-he"),
        ("曝光", "bao-guang"),
        ("没有", "mei-you"),
        ("埋没", "mai-mo"),
        ("重庆", "chong-qing"),
        ("重要", "zhong-yao"),
        ("重新", "chong-xin"),
        ("方便", "fang-bian"),
        ("便宜", "pian-yi"),
        ("差别", "cha-bie"),
        ("出差", "chu-chai"),
        ("传统", "chuan-tong"),
        ("传记", "zhuan-ji"),
        ("大夫", "dai-fu"),
        ("地方", "di-fang"),
        ("首都", "shou-du"),
        ("头发", "tou-fa"),
        ("干净", "gan-jing"),
        ("干部", "gan-bu"),
        ("爱好", "ai-hao"),
        ("和平", "he-ping"),
        ("给予", "ji-yu"),
        ("几乎", "ji-hu"),
        ("放假", "fang-jia"),
        ("中间", "zhong-jian"),
        ("投降", "tou-xiang"),
        ("角色", "jue-se"),
        ("解放", "jie-fang"),
        ("看守", "kan-shou"),
        ("空闲", "kong-xian"),
        ("音乐", "yin-yue"),
        ("快乐", "kuai-le"),
        ("了解", "liao-jie"),
        ("数量", "shu-liang"),
        ("暴露", "bao-lu"),
        ("效率", "xiao-lv"),
        ("率先", "shuai-xian"),
        ("落实", "luo-shi"),
        ("埋怨", "man-yuan"),
        ("灾难", "zai-nan"),
        ("宁可", "ning-ke"),
        ("湖泊", "hu-po"),
        ("店铺", "dian-pu"),
        ("奇数", "ji-shu"),
        ("勉强", "mian-qiang"),
        ("歌曲", "ge-qu"),
        ("散步", "san-bu"),
        ("少年", "shao-nian"),
        ("反省", "fan-xing"),
        ("省份", "sheng-fen"),
        ("数学", "shu-xue"),
        ("提防", "di-fang"),
        ("为人民服务", "wei-ren-min-fu-wu"),
        ("高兴", "gao-xing"),
        ("血液", "xue-ye"),
        ("需要", "xu-yao"),
        ("应该", "ying-gai"),
        ("答应", "da-ying"),
        ("参与", "can-yu"),
        ("记载", "ji-zai"),
        ("扎实", "zha-shi"),
        ("挣扎", "zheng-zha"),
        ("涨价", "zhang-jia"),
        ("正月", "zheng-yue"),
        ("只有", "zhi-you"),
        ("中奖", "zhong-jiang"),
        ("种植", "zhong-zhi"),
        ("钻研", "zuan-yan"),
        ("西藏", "xi-zang"),
        ("人参", "ren-shen"),
        ("处理", "chu-li"),
        ("处长", "chu-zhang"),
        ("畜牧", "xu-mu"),
        ("上当", "shang-dang"),
        ("目的", "mu-di"),
        ("恶心", "e-xin"),
        ("可恶", "ke-wu"),
        ("冠军", "guan-jun"),
        ("号召", "hao-zhao"),
        ("蛮横", "man-heng"),
        ("救济", "jiu-ji"),
        ("尽管", "jin-guan"),
        ("禁止", "jin-zhi"),
        ("关卡", "guan-qia"),
        ("劳累", "lao-lei"),
        ("模样", "mu-yang"),
        ("模范", "mo-fan"),
        ("朴素", "pu-su"),
        ("亲戚", "qin-qi"),
        ("厦门", "xia-men"),
        ("大厦", "da-sha"),
        ("宿舍", "su-she"),
        ("什么", "shen-me"),
        ("旺盛", "wang-sheng"),
        ("属于", "shu-yu"),
        ("说服", "shuo-fu"),
        ("似乎", "si-hu"),
        ("踏实", "ta-shi"),
        ("弹琴", "tan-qin"),
        ("子弹", "zi-dan"),
        ("系鞋带", "ji-xie-dai"),
        ("新鲜", "xin-xian"),
        ("削弱", "xue-ruo"),
        ("咽喉", "yan-hou"),
        ("佣金", "yong-jin"),
        ("油炸", "you-zha"),
        ("粘贴", "zhan-tie"),
        ("折腾", "zhe-teng"),
        ("挣钱", "zheng-qian"),
        ("仔细", "zi-xi"),
        ("朝阳区", "chao-yang-qu"),
        ("文明行为", "wen-ming-xing-wei"),
        ("志愿服务队", "zhi-yuan-fu-wu-dui"),
        ("垃圾分类", "la-ji-fen-lei"),
        ("行长调研", "hang-zhang-diao-yan"),
        ("重新调整", "chong-xin-tiao-zheng"),
    ];

    #[test]
    fn polyphonic_characters_are_read_by_the_word_they_are_in() {
        let wrong: Vec<String> = HELD_OUT
            .iter()
            .filter(|(word, expected)| slugify(word) != *expected)
            .map(|(word, expected)| format!("{word}: {} (expected {expected})", slugify(word)))
            .collect();
        assert!(
            wrong.is_empty(),
            "{} wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn a_word_read_as_it_is_is_still_a_word() {
        // 暂行 keeps 行规 (hang-gui) from taking the 行 of 暂行规定.
        assert_eq!(slugify("暂行规定"), "zan-xing-gui-ding");
        assert_eq!(slugify("温暖同行"), "wen-nuan-tong-xing");
        assert_eq!(slugify("无偿献血"), "wu-chang-xian-xue");
    }

    #[test]
    fn legacy_slugs_are_the_readings_before_word_aware_pinyin() {
        assert_eq!(legacy_slugify("长江大桥"), "zhang-jiang-da-qiao");
        assert_eq!(slugify("长江大桥"), "chang-jiang-da-qiao");
        assert_eq!(legacy_slugify("文明曝光台"), "wen-ming-pu-guang-tai");
        assert_eq!(legacy_slugify("重庆"), slugify("重庆"));
        assert_eq!(legacy_slugify("銀行"), "yin-xing");
    }

    #[test]
    fn mixes_ascii_and_pinyin() {
        assert_eq!(slugify("2026年工作要点"), "2026-nian-gong-zuo-yao-dian");
        assert_eq!(slugify("Hello 世界!"), "hello-shi-jie");
        assert_eq!(slugify("ＡＢＣ１２３"), "abc123");
        assert_eq!(
            slugify("绿色出行 · 低碳生活"),
            "lv-se-chu-xing-di-tan-sheng-huo"
        );
    }

    #[test]
    fn nothing_transliterable_gives_empty() {
        assert_eq!(slugify("🎉🎉"), "");
        assert_eq!(slugify("../"), "");
    }

    #[test]
    fn long_titles_are_cut_at_a_hyphen() {
        let s = slugify(
            "关于开展二〇二六年度全市新时代文明实践志愿服务项目大赛暨优秀志愿服务组织评选活动的通知",
        );
        assert!(s.len() <= 80, "{s}");
        assert!(!s.ends_with('-'));
    }
}
