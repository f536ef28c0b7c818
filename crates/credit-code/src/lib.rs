//! The unified social credit code (统一社会信用代码) of GB 32100-2015.
//!
//! Eighteen characters from a 31-character alphabet (the digits and the
//! capital letters without I, O, Z, S and V):
//!
//! | position | meaning |
//! |---|---|
//! | 1 | registration authority (9 = market regulation) |
//! | 2 | organisation category (1 = enterprise) |
//! | 3–8 | administrative division code, six digits |
//! | 9–17 | organisation code of GB 11714: eight characters and their own check character |
//! | 18 | check character over positions 1–17 |
//!
//! [`CreditCode`] is parsed, not validated: a value of the type always holds
//! a well-formed code in canonical form (trimmed, upper case, ASCII), so
//! nothing downstream checks it again.

use std::fmt;
use std::str::FromStr;

/// Number of characters in a code.
pub const LEN: usize = 18;

/// The code's alphabet; a character's value is its index here.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 for the 18th character: 3^i mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the eight organisation-code characters (GB 11714).
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A well-formed unified social credit code in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

/// Why a string is not a unified social credit code.
///
/// Positions are 1-based and count characters (not bytes) of the input
/// after surrounding whitespace is trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Nothing but whitespace was given.
    Empty,
    /// Not 18 characters long.
    WrongLength {
        /// How many characters were given.
        chars: usize,
    },
    /// A character outside the code's alphabet.
    InvalidCharacter {
        /// 1-based position of the first such character.
        position: usize,
        /// The character as given.
        found: char,
    },
    /// Positions 3–8 (the administrative division code) must be digits.
    RegionNotDigit {
        /// 1-based position of the first non-digit.
        position: usize,
        /// The character as given.
        found: char,
    },
    /// The 18th character does not match the first 17.
    WrongCheckCharacter {
        /// The check character the first 17 characters call for.
        expected: char,
        /// The character given.
        found: char,
    },
    /// The 17th character (the check character of the embedded GB 11714
    /// organisation code) does not match characters 9–16.
    WrongOrganisationCheck {
        /// The check character characters 9–16 call for.
        expected: char,
        /// The character given.
        found: char,
    },
}

impl CreditCodeError {
    /// The error for a person, in Simplified Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Self::Empty => "请填写统一社会信用代码。".to_owned(),
            Self::WrongLength { chars } => {
                format!("统一社会信用代码应为 18 位，当前为 {chars} 位。")
            }
            Self::InvalidCharacter { position, found } => {
                let hint = if is_excluded_letter(*found) {
                    "统一社会信用代码不使用字母 I、O、Z、S、V。"
                } else {
                    "只能包含数字和大写英文字母。"
                };
                format!("第 {position} 位的字符“{found}”无效：{hint}")
            }
            Self::RegionNotDigit { position, found } => format!(
                "第 {position} 位的字符“{found}”无效：第 3 至 8 位是行政区划代码，只能是数字。"
            ),
            Self::WrongCheckCharacter { expected, found } => format!(
                "校验码不符：按前 17 位计算，第 18 位应为“{expected}”，而不是“{found}”。请核对是否有录入错误。"
            ),
            Self::WrongOrganisationCheck { expected, found } => format!(
                "组织机构代码校验码不符：按第 9 至 16 位计算，第 17 位应为“{expected}”，而不是“{found}”。请核对第 9 至 17 位。"
            ),
        }
    }

    /// The error for a person, in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::Empty => "Enter the unified social credit code.".to_owned(),
            Self::WrongLength { chars } => {
                format!("A unified social credit code has 18 characters; this one has {chars}.")
            }
            Self::InvalidCharacter { position, found } => {
                let hint = if is_excluded_letter(*found) {
                    "the code never uses the letters I, O, Z, S or V."
                } else {
                    "only digits and capital letters are allowed."
                };
                format!("Character {position} (“{found}”) is not valid: {hint}")
            }
            Self::RegionNotDigit { position, found } => format!(
                "Character {position} (“{found}”) is not valid: characters 3 to 8 are the \
                 administrative division code and must be digits."
            ),
            Self::WrongCheckCharacter { expected, found } => format!(
                "The check character does not match: for the first 17 characters the 18th \
                 should be “{expected}”, not “{found}”. Please look for a typing error."
            ),
            Self::WrongOrganisationCheck { expected, found } => format!(
                "The organisation code's check character does not match: for characters 9 to 16 \
                 the 17th should be “{expected}”, not “{found}”. Please check characters 9 to 17."
            ),
        }
    }
}

impl fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for CreditCodeError {}

impl CreditCode {
    /// Parse a code as a person typed it.
    ///
    /// Surrounding whitespace (including the ideographic space) is trimmed,
    /// full-width forms such as `９１３３` are read as their ASCII
    /// counterparts, and lower case is accepted; the value holds the
    /// canonical upper-case ASCII form.
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let chars: Vec<char> = input.trim().chars().map(normalise).collect();
        if chars.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        if chars.len() != LEN {
            return Err(CreditCodeError::WrongLength { chars: chars.len() });
        }
        let mut values = [0_u32; LEN];
        for (i, (&c, value)) in chars.iter().zip(values.iter_mut()).enumerate() {
            *value = alphabet_value(c).ok_or(CreditCodeError::InvalidCharacter {
                position: i + 1,
                found: c,
            })?;
        }
        for (i, &c) in chars.iter().enumerate().take(8).skip(2) {
            if !c.is_ascii_digit() {
                return Err(CreditCodeError::RegionNotDigit {
                    position: i + 1,
                    found: c,
                });
            }
        }
        let expected = check_character(&values[..17]);
        if chars[17] != expected {
            return Err(CreditCodeError::WrongCheckCharacter {
                expected,
                found: chars[17],
            });
        }
        let expected = organisation_check_character(&chars[8..16]);
        if chars[16] != expected {
            return Err(CreditCodeError::WrongOrganisationCheck {
                expected,
                found: chars[16],
            });
        }
        Ok(Self(chars.into_iter().collect()))
    }

    /// A valid code for an enterprise registered with market regulation
    /// (authority `9`, category `1`) in `region`, derived from `n` alone:
    /// the same `n` always gives the same code, and distinct `n` below
    /// 10^8 give distinct codes. For demo data and tests.
    ///
    /// About two in three codes get a post-2015 organisation code (`MA…`),
    /// the rest an older all-digit one, as in a real register.
    ///
    /// # Panics
    ///
    /// When `region` is not six ASCII digits.
    pub fn generate(region: &str, n: u64) -> Self {
        assert!(
            region.len() == 6 && region.bytes().all(|b| b.is_ascii_digit()),
            "administrative division code must be six digits, got {region:?}"
        );
        let mut chars: Vec<char> = Vec::with_capacity(LEN);
        chars.extend("91".chars());
        chars.extend(region.chars());
        let organisation = organisation_body(n);
        let organisation_check = organisation_check_character(&organisation);
        chars.extend(organisation);
        chars.push(organisation_check);
        let values: Vec<u32> = chars.iter().filter_map(|&c| alphabet_value(c)).collect();
        chars.push(check_character(&values));
        Self(chars.into_iter().collect())
    }

    /// The code in canonical form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code in canonical form, by value.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Position 1: the registration authority (9 = market regulation).
    pub fn registration_authority(&self) -> char {
        self.char_at(0)
    }

    /// Position 2: the organisation category within the authority.
    pub fn category(&self) -> char {
        self.char_at(1)
    }

    /// Positions 3–8: the administrative division code.
    pub fn region(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the GB 11714 organisation code with its check character.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }

    fn char_at(&self, i: usize) -> char {
        // The value is 18 ASCII characters, so byte i is character i.
        char::from(self.0.as_bytes()[i])
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for CreditCode {
    type Error = CreditCodeError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> Self {
        code.0
    }
}

/// Full-width ASCII forms (U+FF01–U+FF5E) to ASCII, then ASCII upper case.
fn normalise(c: char) -> char {
    let c = match u32::from(c) {
        cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_uppercase()
}

fn is_excluded_letter(c: char) -> bool {
    matches!(c, 'I' | 'O' | 'Z' | 'S' | 'V')
}

/// The character's value in the code's alphabet.
fn alphabet_value(c: char) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&b| char::from(b) == c)
        .and_then(|i| u32::try_from(i).ok())
}

/// The 18th character for the values of positions 1–17.
fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    char::from(ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// GB 11714: the check character over the eight organisation-code
/// characters, digits counting as themselves and letters A = 10 … Z = 35.
fn organisation_check_character(chars: &[char]) -> char {
    let sum: u32 = chars
        .iter()
        .zip(ORG_WEIGHTS)
        .map(|(c, w)| c.to_digit(36).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

/// The eight organisation-code characters [`CreditCode::generate`] uses for `n`.
fn organisation_body(n: u64) -> Vec<char> {
    const DIGITS_SPACE: u64 = 100_000_000; // 10^8
    const NEW_SPACE: u64 = 887_503_681; // 31^6
    // Which style: a well-mixed bit of n, so the styles interleave.
    let style = mix(n) % 3;
    if style == 0 {
        // x -> (a x + b) mod 10^8 is a bijection for a coprime to 10.
        let k = (n % DIGITS_SPACE * 48_271 + 12_345_678) % DIGITS_SPACE;
        format!("{k:08}").chars().collect()
    } else {
        // "MA" and six alphabet characters; a = 1_103_515 is coprime to 31.
        let mut k = (n % NEW_SPACE * 1_103_515 + 424_242_424) % NEW_SPACE;
        let mut tail = ['0'; 6];
        for slot in tail.iter_mut().rev() {
            *slot = char::from(ALPHABET[(k % 31) as usize]);
            k /= 31;
        }
        let mut body = vec!['M', 'A'];
        body.extend(tail);
        body
    }
}

/// The splitmix64 output function: a fixed bijective mix of a 64-bit value.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Codes of registered organisations as published on their licences and
    /// in many open-source test suites (attribution from public sources, not
    /// checked against the national register here). Each passes both check
    /// characters, which a mistyped code does only about once in 341 times.
    const PUBLISHED: &[&str] = &[
        // The worked example used across GB 32100 implementations.
        "91350100M000100Y43",
        // 华为技术有限公司
        "914403001922038216",
        // 深圳市腾讯计算机系统有限公司
        "91440300708461136T",
        // 北京小米科技有限责任公司
        "91110108551385082Q",
    ];

    #[test]
    fn published_codes_parse() {
        for &code in PUBLISHED {
            let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.to_string(), code);
        }
    }

    #[test]
    fn parts() {
        let code = CreditCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(code.registration_authority(), '9');
        assert_eq!(code.category(), '1');
        assert_eq!(code.region(), "350100");
        assert_eq!(code.organisation_code(), "M000100Y4");
    }

    #[test]
    fn lower_case_whitespace_and_full_width_are_accepted() {
        for input in [
            "91350100m000100y43",
            "  91350100M000100Y43\n",
            "\u{3000}91350100M000100Y43\t",
            "９１３５０１００Ｍ０００１００Ｙ４３",
            "９１３５０１００ｍ０００１００ｙ４３",
        ] {
            let code = CreditCode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(code.as_str(), "91350100M000100Y43");
        }
        assert_eq!(
            "91440300708461136t".parse::<CreditCode>().unwrap().as_str(),
            "91440300708461136T"
        );
    }

    #[test]
    fn every_error_variant() {
        use CreditCodeError::*;
        let cases: &[(&str, CreditCodeError)] = &[
            ("", Empty),
            ("   \u{3000} ", Empty),
            ("9135010", WrongLength { chars: 7 }),
            ("91350100M000100Y431", WrongLength { chars: 19 }),
            // counted in characters, not bytes
            ("统一社会信用代码", WrongLength { chars: 8 }),
            (
                "91350100I000100Y43",
                InvalidCharacter {
                    position: 9,
                    found: 'I',
                },
            ),
            (
                "91350100M000100Y4o",
                InvalidCharacter {
                    position: 18,
                    found: 'O',
                },
            ),
            (
                "9135 100M000100Y43",
                InvalidCharacter {
                    position: 5,
                    found: ' ',
                },
            ),
            (
                "91350100M000100Y4-",
                InvalidCharacter {
                    position: 18,
                    found: '-',
                },
            ),
            (
                "913501中0M000100Y43",
                InvalidCharacter {
                    position: 7,
                    found: '中',
                },
            ),
            (
                "9135A100M000100Y43",
                RegionNotDigit {
                    position: 5,
                    found: 'A',
                },
            ),
            (
                "91350100M000100Y44",
                WrongCheckCharacter {
                    expected: '3',
                    found: '4',
                },
            ),
            // Suggested as a public example, but its check character is wrong.
            (
                "911100001000113193",
                WrongCheckCharacter {
                    expected: 'N',
                    found: '3',
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                CreditCode::parse(input).as_ref(),
                Err(expected),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn wrong_organisation_check_is_its_own_error() {
        // Change the 17th character, then repair the 18th so that only the
        // organisation code's check is wrong.
        let good = "91350100M000100Y43";
        let mut chars: Vec<char> = good.chars().collect();
        chars[16] = '5';
        let values: Vec<u32> = chars[..17]
            .iter()
            .map(|&c| alphabet_value(c).unwrap())
            .collect();
        chars[17] = check_character(&values);
        let input: String = chars.into_iter().collect();
        assert_eq!(
            CreditCode::parse(&input),
            Err(CreditCodeError::WrongOrganisationCheck {
                expected: '4',
                found: '5'
            })
        );
    }

    #[test]
    fn organisation_check_x_and_zero() {
        // 11 - (sum mod 11) maps 10 to X and 11 to 0.
        let mut seen_x = false;
        let mut seen_zero = false;
        for n in 0..2_000 {
            let code = CreditCode::generate("330108", n);
            match code.as_str().as_bytes()[16] {
                b'X' => seen_x = true,
                b'0' => seen_zero = true,
                _ => {}
            }
        }
        assert!(seen_x && seen_zero);
    }

    #[test]
    fn every_message_is_bilingual_and_non_empty() {
        let errors = [
            CreditCodeError::Empty,
            CreditCodeError::WrongLength { chars: 3 },
            CreditCodeError::InvalidCharacter {
                position: 2,
                found: 'I',
            },
            CreditCodeError::InvalidCharacter {
                position: 2,
                found: '#',
            },
            CreditCodeError::RegionNotDigit {
                position: 3,
                found: 'A',
            },
            CreditCodeError::WrongCheckCharacter {
                expected: 'X',
                found: '1',
            },
            CreditCodeError::WrongOrganisationCheck {
                expected: '0',
                found: '1',
            },
        ];
        for e in errors {
            let zh = e.message_zh();
            let en = e.message_en();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{en}"
            );
            assert_eq!(e.to_string(), en);
        }
        let e = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert!(e.message_zh().contains('3') && e.message_en().contains('3'));
    }

    #[test]
    fn generated_codes_are_valid_distinct_and_deterministic() {
        let mut seen = HashSet::new();
        for n in 0..20_000 {
            let code = CreditCode::generate("330108", n);
            assert_eq!(CreditCode::parse(code.as_str()), Ok(code.clone()));
            assert_eq!(code.region(), "330108");
            assert!(code.as_str().starts_with("91330108"));
            assert!(seen.insert(code), "duplicate for n = {n}");
        }
        assert_eq!(
            CreditCode::generate("110105", 7),
            CreditCode::generate("110105", 7)
        );
        let new_style = (0..300)
            .filter(|&n| {
                CreditCode::generate("330108", n)
                    .organisation_code()
                    .starts_with("MA")
            })
            .count();
        assert!((150..=250).contains(&new_style), "{new_style}");
    }

    #[test]
    #[should_panic(expected = "six digits")]
    fn generate_refuses_a_bad_region() {
        let _ = CreditCode::generate("33010", 1);
    }

    #[test]
    fn any_single_character_change_is_rejected() {
        let mut codes: Vec<String> = PUBLISHED.iter().map(|s| (*s).to_owned()).collect();
        for (i, region) in ["330108", "110105", "440300", "350100"].iter().enumerate() {
            for n in 0..60 {
                codes.push(CreditCode::generate(region, n * 7 + i as u64).into_string());
            }
        }
        for code in &codes {
            let chars: Vec<char> = code.chars().collect();
            for pos in 0..LEN {
                for &b in ALPHABET {
                    let replacement = char::from(b);
                    if replacement == chars[pos] {
                        continue;
                    }
                    let mut changed = chars.clone();
                    changed[pos] = replacement;
                    let changed: String = changed.into_iter().collect();
                    assert!(
                        CreditCode::parse(&changed).is_err(),
                        "{code} with position {} changed to {replacement}: {changed} accepted",
                        pos + 1
                    );
                }
            }
        }
    }
}
