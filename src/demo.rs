//! Demo data for `sanse demo`: one branch with two stations, their chiefs
//! and officers, five partner departments, an administrator and about 150
//! fictional enterprises.
//!
//! Everything is generated deterministically (a fixed-seed splitmix64), so
//! every demo shows the same register. Seeding happens at start-up of the
//! demo command, only into a database without stations and users, and never
//! from a migration.

use std::collections::{HashMap, HashSet};

use anyhow::Context as _;
use sqlx::PgPool;

use crate::credit_code::CreditCode;

/// A demo login, printed at start-up and listed in the README.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    pub username: &'static str,
    pub password: &'static str,
    /// `officer`, `chief`, `department` or `admin`.
    pub role: &'static str,
    pub description_zh: &'static str,
    pub description_en: &'static str,
    /// The name shown in the interface.
    pub display_name: &'static str,
    /// Station code for officers and chiefs, department code for department
    /// users, empty for the administrator.
    pub scope: &'static str,
}

/// The one password of every demo account.
pub const PASSWORD: &str = "sanse-demo-2026";

const fn account(
    username: &'static str,
    role: &'static str,
    scope: &'static str,
    display_name: &'static str,
    description_zh: &'static str,
    description_en: &'static str,
) -> DemoAccount {
    DemoAccount {
        username,
        password: PASSWORD,
        role,
        description_zh,
        description_en,
        display_name,
        scope,
    }
}

/// Every account the demo creates.
pub const ACCOUNTS: &[DemoAccount] = &[
    account(
        "jn.chief",
        "chief",
        "jiangnan",
        "陈建国",
        "江南派出所所长：季度评定、复核调整、发布，所务看板",
        "Chief of Jiangnan station: runs, reviews and publishes the quarterly evaluation",
    ),
    account(
        "jn.officer1",
        "officer",
        "jiangnan",
        "李明辉",
        "江南派出所社区民警：走访、隐患、纠纷、诉求登记",
        "Community officer, Jiangnan station: logs visits, hazards, disputes, demands",
    ),
    account(
        "jn.officer2",
        "officer",
        "jiangnan",
        "王芳",
        "江南派出所社区民警",
        "Community officer, Jiangnan station",
    ),
    account(
        "jn.officer3",
        "officer",
        "jiangnan",
        "赵磊",
        "江南派出所社区民警",
        "Community officer, Jiangnan station",
    ),
    account(
        "cd.chief",
        "chief",
        "chengdong",
        "刘志强",
        "城东派出所所长",
        "Chief of Chengdong station",
    ),
    account(
        "cd.officer1",
        "officer",
        "chengdong",
        "周婷",
        "城东派出所社区民警",
        "Community officer, Chengdong station",
    ),
    account(
        "cd.officer2",
        "officer",
        "chengdong",
        "孙浩",
        "城东派出所社区民警",
        "Community officer, Chengdong station",
    ),
    account(
        "cd.officer3",
        "officer",
        "chengdong",
        "吴晓敏",
        "城东派出所社区民警",
        "Community officer, Chengdong station",
    ),
    account(
        "dept.market",
        "department",
        "market-regulation",
        "黄丽华",
        "滨江市场监督管理所：接收推送的等级名单，记录联动处置",
        "Binjiang Market Regulation Office: receives pushed tier lists, records coordinated actions",
    ),
    account(
        "dept.fire",
        "department",
        "fire-rescue",
        "郑宇",
        "滨江消防救援站",
        "Binjiang Fire and Rescue Station",
    ),
    account(
        "dept.emergency",
        "department",
        "emergency-management",
        "何静",
        "滨江区应急管理局",
        "Binjiang District Emergency Management Bureau",
    ),
    account(
        "dept.street",
        "department",
        "street-office",
        "杨帆",
        "江南街道办事处",
        "Jiangnan Subdistrict Office",
    ),
    account(
        "dept.judicial",
        "department",
        "judicial",
        "许文博",
        "滨江司法所",
        "Binjiang Judicial Office",
    ),
    account(
        "admin",
        "admin",
        "",
        "系统管理员",
        "系统管理员：派出所、部门及订阅、用户、评分方案",
        "Administrator: stations, departments and subscriptions, users, scoring policies",
    ),
];

const BRANCH_NAME: &str = "临江市公安局滨江分局";
const BRANCH_NAME_EN: &str = "Binjiang Branch, Linjiang Public Security Bureau";

/// Administrative division code used for every demo credit code.
pub const REGION: &str = "330108";

struct DemoStation {
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    enterprises: usize,
    streets: &'static [&'static str],
}

const STATIONS: &[DemoStation] = &[
    DemoStation {
        code: "jiangnan",
        name: "江南派出所",
        name_en: "Jiangnan Police Station",
        enterprises: 90,
        streets: &[
            "江南大道",
            "滨安路",
            "长河路",
            "江虹路",
            "聚才路",
            "滨盛路",
            "春晓路",
            "火炬大道",
        ],
    },
    DemoStation {
        code: "chengdong",
        name: "城东派出所",
        name_en: "Chengdong Police Station",
        enterprises: 60,
        streets: &[
            "城东路",
            "东信大道",
            "新塘路",
            "建业路",
            "秋溢路",
            "东冠路",
            "彩虹大道",
            "丹枫路",
        ],
    },
];

/// (code, name, English name) of the partner departments.
const DEPARTMENTS: &[(&str, &str, &str)] = &[
    (
        "market-regulation",
        "滨江市场监督管理所",
        "Binjiang Market Regulation Office",
    ),
    (
        "fire-rescue",
        "滨江消防救援站",
        "Binjiang Fire and Rescue Station",
    ),
    (
        "emergency-management",
        "滨江区应急管理局",
        "Binjiang District Emergency Management Bureau",
    ),
    (
        "street-office",
        "江南街道办事处",
        "Jiangnan Subdistrict Office",
    ),
    ("judicial", "滨江司法所", "Binjiang Judicial Office"),
];

/// Industry code, relative frequency, and the trade words of a company name.
const INDUSTRIES: &[(&str, u64, &[&str])] = &[
    (
        "manufacturing",
        22,
        &[
            "机械制造",
            "电子科技",
            "五金制品",
            "服装",
            "塑胶制品",
            "包装材料",
            "精密模具",
            "家具制造",
            "汽车零部件",
        ],
    ),
    (
        "chemicals",
        5,
        &["化工", "精细化工", "化学试剂", "燃气", "涂料"],
    ),
    (
        "construction",
        9,
        &["建筑工程", "建设工程", "装饰工程", "市政工程", "建筑劳务"],
    ),
    (
        "logistics",
        11,
        &["物流", "供应链管理", "仓储服务", "快递服务", "冷链物流"],
    ),
    (
        "retail",
        16,
        &["商贸", "贸易", "超市", "百货", "电器销售", "建材销售"],
    ),
    (
        "catering",
        14,
        &["餐饮管理", "酒店管理", "食品", "餐饮", "快捷酒店"],
    ),
    (
        "entertainment",
        6,
        &["文化娱乐", "休闲娱乐", "歌舞娱乐", "网络会所", "体育健身"],
    ),
    (
        "finance",
        4,
        &["典当", "小额贷款", "融资担保", "金融信息服务"],
    ),
    (
        "technology",
        14,
        &["信息技术", "网络科技", "软件", "智能科技", "数据科技"],
    ),
    (
        "education",
        6,
        &["教育科技", "教育咨询", "职业技能培训", "文化培训"],
    ),
    (
        "healthcare",
        5,
        &[
            "医疗器械",
            "医药连锁",
            "口腔门诊部",
            "健康管理",
            "中医门诊部",
        ],
    ),
    ("property", 6, &["物业管理", "物业服务"]),
    (
        "other",
        7,
        &[
            "广告",
            "人力资源",
            "家政服务",
            "汽车服务",
            "保安服务",
            "再生资源回收",
        ],
    ),
];

const TRADE_NAMES: &[&str] = &[
    "恒达", "鑫源", "华盛", "宏远", "博瑞", "永安", "金诚", "瑞丰", "天成", "嘉禾", "中恒", "新锐",
    "德润", "汇通", "顺达", "利华", "东升", "盛世", "凯越", "广源", "信达", "和泰", "万通", "锦程",
    "卓越", "远航", "蓝天", "绿源", "兴业", "荣昌", "宝丰", "安泰", "泰和", "华运", "金桥", "隆盛",
    "聚鑫", "明达", "伟业", "祥瑞", "盛达", "昌隆", "鼎盛", "富源", "康达", "佳禾", "联创", "启航",
    "弘毅", "正和", "众诚", "同创", "立达", "江航", "润泽", "星辰", "云帆", "海纳", "博远", "君安",
    "怡和", "晨光", "宏图", "澜庭",
];

const PLACE_PREFIXES: &[&str] = &["临江", "临江市", "临江滨江"];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤";

const GIVEN_NAMES: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "文杰",
    "俊杰", "浩然", "建国", "国栋", "春梅", "丽华", "红梅", "立新", "卫东", "永刚", "晓峰", "雪梅",
    "振华", "建军", "海峰", "宇航", "子轩", "梓涵", "欣怡", "佳怡", "思远", "雨婷", "嘉伟", "鹏",
    "斌", "辉", "婷", "倩", "琳", "凯", "宁", "健",
];

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188",
    "189",
];

/// splitmix64: a tiny, fixed, portable pseudo-random sequence.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0); the modulo bias is irrelevant here.
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn index(&mut self, len: usize) -> usize {
        // len is a small slice length; both conversions are lossless.
        self.below(len as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// True with probability `percent` / 100.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn person_name(&mut self) -> String {
        let surnames: Vec<char> = SURNAMES.chars().collect();
        let mut name = String::new();
        name.push(self.pick(&surnames));
        name.push_str(self.pick(GIVEN_NAMES));
        name
    }

    fn mobile(&mut self) -> String {
        format!(
            "{}{:08}",
            self.pick(MOBILE_PREFIXES),
            self.below(100_000_000)
        )
    }
}

/// One generated enterprise, before it has database ids.
#[derive(Debug, Clone)]
struct DemoEnterprise {
    station: &'static str,
    name: String,
    credit_code: CreditCode,
    industry: &'static str,
    address: String,
    legal_rep: String,
    security_manager: String,
    security_phone: String,
    employee_count: i32,
    liaison: &'static str,
    status: &'static str,
}

const SEED: u64 = 0x5A45_5345_2026_0001;

/// The demo register, the same on every call.
fn enterprises() -> Vec<DemoEnterprise> {
    let mut rng = Rng(SEED);
    let total_weight: u64 = INDUSTRIES.iter().map(|(_, w, _)| w).sum();
    let mut names = HashSet::new();
    let mut out = Vec::new();
    let mut serial: u64 = 0;
    for station in STATIONS {
        let officers: Vec<&'static str> = ACCOUNTS
            .iter()
            .filter(|a| a.role == "officer" && a.scope == station.code)
            .map(|a| a.username)
            .collect();
        for i in 0..station.enterprises {
            serial += 1;
            // Every industry at every station first, then by frequency.
            let (industry, _, words) = if i < INDUSTRIES.len() {
                INDUSTRIES[i]
            } else {
                let mut roll = rng.below(total_weight);
                let mut chosen = INDUSTRIES[0];
                for entry in INDUSTRIES {
                    if roll < entry.1 {
                        chosen = *entry;
                        break;
                    }
                    roll -= entry.1;
                }
                chosen
            };
            // Employees 5..=2000, most of them small: 5 × 400^(u^1.7).
            let employee_count = (5.0 * 400_f64.powf(rng.unit().powf(1.7))).round() as i32;
            let name = loop {
                let candidate = company_name(&mut rng, industry, words, employee_count);
                if names.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let legal_rep = rng.person_name();
            // In a small firm the boss often is the security manager.
            let security_manager = if employee_count < 30 && rng.percent(50) {
                legal_rep.clone()
            } else {
                rng.person_name()
            };
            let mut address = format!(
                "滨江区{}{}号",
                rng.pick(station.streets),
                rng.below(1_500) + 1
            );
            if rng.percent(40) {
                address.push_str(&format!(
                    "{}幢{}{:02}室",
                    rng.below(12) + 1,
                    rng.below(18) + 1,
                    rng.below(12) + 1
                ));
            }
            out.push(DemoEnterprise {
                station: station.code,
                name,
                credit_code: CreditCode::generate(REGION, serial * 7_919),
                industry,
                address,
                legal_rep,
                security_manager,
                security_phone: rng.mobile(),
                employee_count,
                liaison: officers[i % officers.len()],
                status: if rng.percent(5) { "closed" } else { "active" },
            });
        }
    }
    out
}

fn company_name(rng: &mut Rng, industry: &str, words: &[&str], employees: i32) -> String {
    let trade = rng.pick(TRADE_NAMES);
    let word = rng.pick(words);
    let form = if industry == "finance" && word == "典当" {
        "有限责任公司"
    } else if employees >= 300 && rng.percent(35) {
        "股份有限公司"
    } else if rng.percent(25) {
        "有限责任公司"
    } else {
        "有限公司"
    };
    match rng.below(20) {
        // a branch of a company registered elsewhere in the city
        0 => format!("临江{trade}{word}{form}滨江分公司"),
        // the administrative division in brackets after the trade name
        1 | 2 => format!("{trade}（临江）{word}{form}"),
        _ => format!("{}{trade}{word}{form}", rng.pick(PLACE_PREFIXES)),
    }
}

/// Seeds only when the database has no station and no user yet (never in a
/// migration); returns `Ok(true)` when it seeded, `Ok(false)` when the
/// database already held data. Safe against a concurrent seeder: the work
/// happens in one transaction under an advisory lock, after a second look.
pub async fn seed_if_empty(pool: &PgPool) -> anyhow::Result<bool> {
    if !is_empty(pool).await? {
        return Ok(false);
    }

    // Hash each distinct password once; argon2 is deliberately slow.
    let mut hashes: HashMap<&'static str, String> = HashMap::new();
    for a in ACCOUNTS {
        if !hashes.contains_key(a.password) {
            let password = a.password;
            let hash =
                tokio::task::spawn_blocking(move || crate::auth::password::hash_blocking(password))
                    .await
                    .context("hashing a demo password")??;
            hashes.insert(password, hash);
        }
    }

    let mut tx = pool.begin().await?;
    // Any fixed key serves; it only has to be the same for every seeder.
    sqlx::query!(r#"select true as "locked!" from pg_advisory_xact_lock(7361524001)"#)
        .fetch_one(&mut *tx)
        .await?;
    if !is_empty(&mut *tx).await? {
        return Ok(false);
    }

    let branch_id = sqlx::query_scalar!(
        "insert into branch (name, name_en) values ($1, $2) returning branch_id",
        BRANCH_NAME,
        BRANCH_NAME_EN,
    )
    .fetch_one(&mut *tx)
    .await?;

    let station_codes: Vec<String> = STATIONS.iter().map(|s| s.code.to_owned()).collect();
    let station_names: Vec<String> = STATIONS.iter().map(|s| s.name.to_owned()).collect();
    let station_names_en: Vec<String> = STATIONS.iter().map(|s| s.name_en.to_owned()).collect();
    sqlx::query!(
        "insert into station (branch_id, code, name, name_en)
         select $1, code, name, name_en
         from unnest($2::text[], $3::text[], $4::text[]) as s(code, name, name_en)",
        branch_id,
        &station_codes,
        &station_names,
        &station_names_en,
    )
    .execute(&mut *tx)
    .await?;

    let department_codes: Vec<String> = DEPARTMENTS.iter().map(|d| d.0.to_owned()).collect();
    let department_names: Vec<String> = DEPARTMENTS.iter().map(|d| d.1.to_owned()).collect();
    let department_names_en: Vec<String> = DEPARTMENTS.iter().map(|d| d.2.to_owned()).collect();
    sqlx::query!(
        "insert into department (code, name, name_en)
         select code, name, name_en
         from unnest($1::text[], $2::text[], $3::text[]) as d(code, name, name_en)",
        &department_codes,
        &department_names,
        &department_names_en,
    )
    .execute(&mut *tx)
    .await?;

    let mut usernames = Vec::new();
    let mut display_names = Vec::new();
    let mut roles = Vec::new();
    let mut scopes = Vec::new();
    let mut password_hashes = Vec::new();
    for a in ACCOUNTS {
        usernames.push(a.username.to_owned());
        display_names.push(a.display_name.to_owned());
        roles.push(a.role.to_owned());
        scopes.push(a.scope.to_owned());
        password_hashes.push(hashes[a.password].clone());
    }
    let inserted = sqlx::query!(
        "insert into app_user (username, display_name, role, station_id, department_id,
                               password_hash, lang)
         select u.username, u.display_name, u.role::user_role,
                case when u.role in ('officer', 'chief') then s.station_id end,
                case when u.role = 'department' then d.department_id end,
                u.password_hash, 'zh'
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
              with ordinality as u(username, display_name, role, scope, password_hash, ord)
         left join station s on s.code = u.scope
         left join department d on d.code = u.scope
         order by u.ord",
        &usernames,
        &display_names,
        &roles,
        &scopes,
        &password_hashes,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    anyhow::ensure!(
        inserted == ACCOUNTS.len() as u64,
        "inserted {inserted} demo users of {}",
        ACCOUNTS.len()
    );

    let register = enterprises();
    let mut e_station = Vec::new();
    let mut e_name = Vec::new();
    let mut e_code = Vec::new();
    let mut e_industry = Vec::new();
    let mut e_address = Vec::new();
    let mut e_legal_rep = Vec::new();
    let mut e_manager = Vec::new();
    let mut e_phone = Vec::new();
    let mut e_employees = Vec::new();
    let mut e_liaison = Vec::new();
    let mut e_status = Vec::new();
    for e in register {
        e_station.push(e.station.to_owned());
        e_name.push(e.name);
        e_code.push(e.credit_code.into_string());
        e_industry.push(e.industry.to_owned());
        e_address.push(e.address);
        e_legal_rep.push(e.legal_rep);
        e_manager.push(e.security_manager);
        e_phone.push(e.security_phone);
        e_employees.push(e.employee_count);
        e_liaison.push(e.liaison.to_owned());
        e_status.push(e.status.to_owned());
    }
    let inserted = sqlx::query!(
        "insert into enterprise (station_id, name, credit_code, industry_code, address,
                                 legal_rep, security_manager, security_phone, employee_count,
                                 liaison_officer_id, status)
         select s.station_id, e.name, e.credit_code, e.industry_code, e.address,
                e.legal_rep, e.security_manager, e.security_phone, e.employee_count,
                u.user_id, e.status::enterprise_status
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::int4[], $10::text[], $11::text[])
              with ordinality as e(station_code, name, credit_code, industry_code, address,
                                   legal_rep, security_manager, security_phone, employee_count,
                                   liaison, status, ord)
         join station s on s.code = e.station_code
         join app_user u on u.username = e.liaison
                        and u.station_id = s.station_id
                        and u.role = 'officer'
         order by e.ord",
        &e_station,
        &e_name,
        &e_code,
        &e_industry,
        &e_address,
        &e_legal_rep,
        &e_manager,
        &e_phone,
        &e_employees,
        &e_liaison,
        &e_status,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    anyhow::ensure!(
        inserted == e_name.len() as u64,
        "inserted {inserted} demo enterprises of {}",
        e_name.len()
    );

    sqlx::query!(
        "insert into audit_event (actor_label, action, entity, summary)
         values ('system', 'seed', 'demo', $1)",
        format!(
            "demo data: {} stations, {} departments, {} users, {inserted} enterprises",
            STATIONS.len(),
            DEPARTMENTS.len(),
            ACCOUNTS.len()
        ),
    )
    .execute(&mut *tx)
    .await?;

    tx.commit().await?;
    Ok(true)
}

async fn is_empty<'e, E>(executor: E) -> anyhow::Result<bool>
where
    E: sqlx::PgExecutor<'e>,
{
    let held = sqlx::query_scalar!(
        r#"select (exists(select 1 from station) or exists(select 1 from app_user)) as "held!""#
    )
    .fetch_one(executor)
    .await?;
    Ok(!held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_well_formed() {
        let mut seen = HashSet::new();
        for a in ACCOUNTS {
            assert!(seen.insert(a.username), "duplicate {}", a.username);
            assert!(
                a.username.len() >= 2
                    && a.username.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b"._-".contains(&b)),
                "{}",
                a.username
            );
            assert!(a.password.chars().count() >= 10);
            let scoped = match a.role {
                "officer" | "chief" => STATIONS.iter().any(|s| s.code == a.scope),
                "department" => DEPARTMENTS.iter().any(|d| d.0 == a.scope),
                "admin" => a.scope.is_empty(),
                other => panic!("unknown role {other}"),
            };
            assert!(scoped, "{} has scope {:?}", a.username, a.scope);
        }
        for station in STATIONS {
            let of = |role: &str| {
                ACCOUNTS
                    .iter()
                    .filter(|a| a.scope == station.code && a.role == role)
                    .count()
            };
            assert_eq!((of("chief"), of("officer")), (1, 3), "{}", station.code);
        }
        for d in DEPARTMENTS {
            assert_eq!(ACCOUNTS.iter().filter(|a| a.scope == d.0).count(), 1);
        }
    }

    #[test]
    fn register_is_deterministic_and_plausible() {
        let register = enterprises();
        assert_eq!(register.len(), 150);
        let again = enterprises();
        assert!(
            register
                .iter()
                .zip(&again)
                .all(|(a, b)| a.name == b.name && a.credit_code == b.credit_code)
        );
        let names: HashSet<_> = register.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.len(), register.len(), "names are unique");
        let codes: HashSet<_> = register.iter().map(|e| e.credit_code.as_str()).collect();
        assert_eq!(codes.len(), register.len(), "codes are unique");
        for e in &register {
            assert_eq!(
                CreditCode::parse(e.credit_code.as_str()).as_ref(),
                Ok(&e.credit_code)
            );
            assert_eq!(e.credit_code.region(), REGION);
            assert!(
                (5..=2000).contains(&e.employee_count),
                "{}",
                e.employee_count
            );
            assert_eq!(e.security_phone.len(), 11);
            assert!(e.security_phone.bytes().all(|b| b.is_ascii_digit()));
            assert!(["13", "15", "18"].contains(&&e.security_phone[..2]));
            let len = e.name.chars().count();
            assert!((2..=100).contains(&len), "{}", e.name);
        }
        let small = register.iter().filter(|e| e.employee_count <= 100).count();
        assert!(
            small > register.len() / 2,
            "employee counts skew small: {small}"
        );
        let closed = register.iter().filter(|e| e.status == "closed").count();
        assert!((2..=15).contains(&closed), "about 5% closed: {closed}");
        for station in STATIONS {
            let here: Vec<_> = register
                .iter()
                .filter(|e| e.station == station.code)
                .collect();
            assert_eq!(here.len(), station.enterprises);
            for (industry, _, _) in INDUSTRIES {
                assert!(here.iter().any(|e| e.industry == *industry));
            }
        }
    }
}
