//! Character folding shared by the index and the browser client, so that what a reader types
//! matches what an editor wrote: full-width letters, digits and punctuation become ASCII,
//! letters become lowercase, and common Traditional characters become Simplified. Every
//! character folds to exactly one character, so a position in folded text is the same
//! position in the original (the client relies on this to highlight matches).
//!
//! The client (`themes/default/static/search.js`) implements the same rules; the table of
//! Traditional characters is not copied there but shipped in the index (`index.json`).

use std::collections::HashMap;
use std::sync::LazyLock;

/// Pairs of a Traditional character and its Simplified form, for common characters whose
/// Traditional form is never used in Simplified text (so 乾, 著 and 瞭 are not here).
const TRADITIONAL_SIMPLIFIED: &[&str] = &[
    "萬万與与專专業业東东絲丝兩两嚴严喪丧個个豐丰臨临為为麗丽舉举義义烏乌樂乐喬乔習习鄉乡書书買买亂乱",
    "爭争於于虧亏雲云亞亚產产畝亩親亲億亿僅仅從从倉仓儀仪們们價价眾众衆众優优會会傘伞偉伟傳传傷伤倫伦",
    "偽伪體体餘余來来俠侠侶侣係系繫系倆俩債债傾倾儲储兒儿兇凶黨党蘭兰關关興兴養养獸兽內内岡冈冊册寫写",
    "軍军農农馮冯衝冲決决況况凍冻淨净涼凉減减湊凑凜凛幾几鳳凤憑凭凱凯擊击鑿凿劃划劉刘則则剛刚創创刪删",
    "別别劑剂劍剑劇剧勸劝辦办務务動动勵励勁劲勞劳勢势勛勋勝胜區区醫医華华協协單单賣卖盧卢衛卫衞卫卻却",
    "廠厂廳厅曆历歷历壓压厭厌廁厕廂厢廈厦廚厨廣广縣县參参雙双發发髮发變变敘叙敍叙疊叠葉叶號号嘆叹嚇吓",
    "呂吕嗎吗啟启吳吴員员聽听嗚呜響响啞哑喚唤園园圍围圖图國国圓圆聖圣場场壞坏塊块堅坚壇坛罈坛壩坝墳坟",
    "墜坠壟垄壘垒墊垫執执報报擴扩塵尘牆墙壯壮聲声殼壳壺壶處处備备復复複复夠够頭头誇夸奪夺奮奋獎奖奧奥",
    "婦妇媽妈孫孙學学寧宁寶宝實实寵宠審审憲宪宮宫寬宽賓宾寢寝對对尋寻導导將将爾尔嘗尝嚐尝堯尧屆届屍尸",
    "層层屬属崗岗島岛峽峡嶺岭嶽岳巖岩幣币帥帅師师帳帐帶带幫帮幹干並并併并慶庆廬庐庫库應应廟庙龐庞廢废",
    "開开異异棄弃張张彌弥彎弯彈弹強强歸归當当噹当錄录彥彦徹彻徑径逕径徵征憶忆懷怀態态憐怜總总惡恶噁恶",
    "戀恋懇恳惱恼悅悦悶闷驚惊慘惨慚惭懼惧慣惯願愿懲惩戲戏戰战戶户撲扑掃扫揚扬擾扰撫抚拋抛搶抢護护擔担",
    "擬拟攏拢揀拣擁拥攔拦擰拧撥拨擇择掛挂擠挤揮挥撈捞損损撿捡換换搗捣據据擺摆攜携攝摄搖摇攤摊撐撑擋挡",
    "敵敌數数齋斋斬斩斷断無无舊旧時时曠旷晝昼顯显晉晋曬晒曉晓暫暂術术樸朴機机殺杀雜杂權权條条楊杨極极",
    "構构樞枢標标棟栋欄栏樹树樣样檔档橋桥檢检樓楼榮荣槍枪鎗枪歡欢歐欧殘残殲歼毀毁氣气漢汉湯汤溝沟沒没",
    "瀝沥淪沦滄沧濃浓淚泪潑泼澤泽潔洁灑洒濁浊測测濟济瀏浏渾浑濤涛澇涝潤润漲涨漸渐漁渔滲渗溫温灣湾濕湿",
    "溼湿滅灭滯滞灘滩漿浆潛潜潰溃濱滨災灾燈灯靈灵爐炉點点煉炼鍊炼爛烂燒烧燭烛煙烟菸烟熱热營营燦灿犧牺",
    "狀状猶犹獨独獄狱獅狮獵猎貓猫獻献現现環环瑣琐電电畫画暢畅療疗瘋疯癢痒癡痴皺皱盞盏盡尽監监盤盘睜睁",
    "瞞瞒礦矿碼码磚砖礎础確确碩硕礙碍禮礼禍祸禪禅離离種种稱称積积穩稳窮穷竊窃豎竖競竞筆笔筍笋範范築筑",
    "簡简篩筛籃篮籌筹簽签籤签類类糧粮糾纠紀纪約约紅红紋纹納纳紐纽純纯紙纸級级紛纷紡纺緊紧細细紳绅終终",
    "組组絆绊經经結结絕绝給给絡络統统絞绞綁绑綠绿維维綜综綱纲網网綴缀緒绪續续編编緩缓線线練练締缔緣缘",
    "縫缝縮缩縱纵織织繞绕繪绘繳缴繼继纏缠罰罚罷罢羅罗羨羡翹翘聞闻聯联聰聪職职肅肃腸肠膚肤腫肿腦脑腳脚",
    "臉脸膽胆臟脏髒脏艦舰艙舱艱艰艷艳豔艳藝艺節节蘆芦蘇苏甦苏莊庄藥药薦荐蕭萧蘿萝薩萨蔣蒋蓋盖蓮莲蔔卜",
    "蟲虫蝦虾螞蚂蠻蛮蠶蚕補补襯衬裝装製制褲裤襲袭見见規规覓觅視视覽览覺觉觀观觸触計计訂订認认討讨讓让",
    "訓训議议訊讯記记講讲許许論论設设訪访證证評评識识診诊詞词譯译試试詩诗誠诚話话誕诞詢询該该詳详語语",
    "誤误說说誰谁課课調调談谈請请諒谅諸诸謀谋諾诺謊谎謝谢謠谣謙谦謹谨譜谱譽誉讀读讚赞貝贝負负貞贞財财",
    "貢贡貧贫貨货販贩貪贪責责貴贵費费貿贸賀贺資资賊贼賞赏賠赔賢贤賤贱質质賴赖購购賽赛贈赠贊赞趕赶趙赵",
    "躍跃蹤踪踐践車车軌轨軒轩軟软輪轮較较輔辅輕轻載载輛辆輝辉輩辈輸输轉转轟轰辭辞邊边遼辽達达遷迁過过",
    "邁迈運运還还這这進进遠远違违連连遲迟適适選选遞递遺遗邏逻郵邮鄰邻鄭郑釀酿醬酱釋释採采裡里裏里鋼钢",
    "錢钱鐵铁針针釘钉鈕钮鉛铅銀银銅铜鋪铺舖铺鋒锋銷销鍋锅錯错鍵键鎖锁鎮镇鏈链鏡镜鐘钟鍾钟鑒鉴鑰钥長长",
    "門门閃闪閉闭問问閑闲閒闲間间閱阅闊阔隊队陽阳陰阴陣阵階阶際际陸陆陳陈險险隨随隱隐難难雖虽雞鸡霧雾",
    "靜静韓韩頁页頂顶項项順顺須须鬚须預预頑顽頒颁頓顿頗颇領领頻频題题額额顏颜顧顾風风飄飘飛飞飯饭飲饮",
    "飽饱飾饰餅饼館馆饑饥飢饥饒饶馬马馳驰駐驻駕驾駛驶騎骑騙骗騰腾驅驱驗验鬥斗鬪斗鬧闹鬱郁魚鱼魯鲁鮮鲜",
    "鳥鸟鳴鸣鴨鸭鵝鹅鷹鹰鹽盐麥麦麵面麪面黃黄齊齐齒齿齡龄龍龙龜龟愛爱臺台檯台颱台週周準准隻只後后鬆松",
    "闆板傢家佈布佔占夥伙彙汇匯汇嚮向託托誌志剋克迴回廻回穫获獲获麼么捲卷慾欲薑姜蘋苹鬍胡鹹咸醜丑穀谷",
    "纔才釐厘瀋沈醃腌燉炖蕓芸傑杰盃杯僱雇佇伫妝妆捨舍嚨咙嘩哗團团糰团壽寿奬奖屜屉峯峰彫雕恆恒懸悬搾榨",
    "擡抬斃毙朧胧棲栖槓杠殭僵氈毡涇泾滷卤澀涩瀰弥煒炜燄焰牀床獃呆甕瓮畢毕痠酸癒愈皚皑盪荡蕩荡睏困矇蒙",
    "濛蒙磯矶祕秘稟禀稈秆窩窝竈灶箇个紮扎絃弦綑捆綿绵縴纤纖纤繃绷繡绣罎坛聳耸脣唇腎肾膠胶臥卧茲兹莖茎",
    "萊莱蒐搜蔥葱蘊蕴虛虚蝸蜗螢萤蠟蜡裊袅覈核訛讹註注詠咏諮咨讎仇豬猪貍狸賬账贓赃跡迹蹟迹踴踊軀躯輿舆",
    "轎轿遊游鉤钩銹锈鏽锈鐮镰闢辟陞升陝陕隄堤雋隽韆千韁缰頹颓餵喂餚肴罵骂黴霉鼕冬齣出滬沪瓊琼閩闽贛赣",
    "歲岁摺折鹼碱膩腻繩绳鑄铸鑽钻鑼锣鍛锻鋁铝錦锦錫锡鎊镑鏟铲鐺铛閣阁闖闯隸隶雛雏靂雳霽霁韌韧韻韵頸颈",
    "顆颗顛颠顫颤颳刮颶飓飆飙餓饿餡馅饅馒饞馋駁驳駝驼駭骇騷骚驕骄驢驴驟骤骯肮鯨鲸鱗鳞鴿鸽鵬鹏鶴鹤鷗鸥",
    "黷黩鼴鼹龕龛",
];

static TRADITIONAL: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
    let chars: Vec<char> = TRADITIONAL_SIMPLIFIED.concat().chars().collect();
    chars.chunks_exact(2).map(|p| (p[0], p[1])).collect()
});

/// The Traditional→Simplified table as one string of pairs, for the client.
pub fn traditional_table() -> String {
    TRADITIONAL_SIMPLIFIED.concat()
}

/// Folds one character (see the module documentation).
pub fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_ascii_uppercase() {
        return c.to_ascii_lowercase();
    }
    if is_latin_letter(c) {
        let mut lower = c.to_lowercase();
        return match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        };
    }
    TRADITIONAL.get(&c).copied().unwrap_or(c)
}

/// Accented Latin letters (Latin-1 Supplement and Latin Extended-A/B): part of words, like
/// ASCII letters and digits.
pub fn is_latin_letter(c: char) -> bool {
    matches!(c as u32, 0xC0..=0x24F) && c != '×' && c != '÷'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold_str(s: &str) -> String {
        s.chars().map(fold).collect()
    }

    #[test]
    fn full_width_and_case_fold_to_lowercase_ascii() {
        assert_eq!(fold_str("ＷｅＣｈａｔ　１２３！"), "wechat 123!");
        assert_eq!(fold_str("ÉCOLE Straße"), "école straße");
    }

    #[test]
    fn common_traditional_characters_fold_to_simplified() {
        assert_eq!(fold_str("垃圾分類誌願服務臺灣"), "垃圾分类志愿服务台湾");
        // Characters that are also Simplified stay as they are.
        assert_eq!(fold_str("乾坤著名瞭望"), "乾坤著名瞭望");
    }

    #[test]
    fn the_table_is_consistent() {
        let chars: Vec<char> = traditional_table().chars().collect();
        assert_eq!(chars.len() % 2, 0);
        assert_eq!(TRADITIONAL.len() * 2, chars.len(), "no character twice");
        for (&t, &s) in TRADITIONAL.iter() {
            assert!(crate::text::is_han(t) && crate::text::is_han(s), "{t}{s}");
            assert!(
                (t as u32) < 0x10000,
                "{t}: the client reads the table per UTF-16 unit"
            );
            assert_ne!(t, s);
            // Folding twice changes nothing: no Simplified form is itself folded.
            assert_eq!(fold(s), s, "{t} → {s} → {}", fold(s));
        }
    }
}
