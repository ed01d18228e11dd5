//! URL slugs: Chinese becomes toneless pinyin, one syllable per hyphen-separated part, with
//! the readings of common words that have more than one (重庆 → chong-qing, 银行 → yin-hang).
//! ASCII letters and digits are kept; everything else separates words.

use pinyin::ToPinyin;

/// Common words whose characters are read differently from their most frequent reading.
/// Matched longest first; each entry gives one syllable per character.
const PHRASES: &[(&str, &str)] = &[
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

/// The longest phrase in [`PHRASES`], in characters.
const MAX_PHRASE_CHARS: usize = 4;

/// Converts text to a URL slug: `文明行为促进条例` → `wen-ming-xing-wei-cu-jin-tiao-li`,
/// `2026年工作要点` → `2026-nian-gong-zuo-yao-dian`. Returns an empty string when nothing in
/// the text can be written in ASCII (e.g. only emoji).
pub fn slugify(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut ascii = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
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
        if let Some((len, reading)) = phrase_at(&chars[i..]) {
            words.extend(reading.split(' ').map(str::to_string));
            i += len;
            continue;
        }
        if let Some(p) = c.to_pinyin() {
            let syllable: String = p
                .plain()
                .replace('ü', "v")
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            if !syllable.is_empty() {
                words.push(syllable);
            }
        }
        i += 1;
    }
    if !ascii.is_empty() {
        words.push(ascii);
    }
    limit_length(words.join("-"), 80)
}

fn phrase_at(chars: &[char]) -> Option<(usize, &'static str)> {
    let longest = chars.len().min(MAX_PHRASE_CHARS);
    for len in (2..=longest).rev() {
        let candidate: String = chars[..len].iter().collect();
        if let Some((_, reading)) = PHRASES.iter().find(|(w, _)| *w == candidate) {
            return Some((len, reading));
        }
    }
    None
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
