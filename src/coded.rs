//! Coded values: enums stored and sent as a short code (`"follow_up"`) and
//! shown as a name in the reader's language. [`coded_enum!`] says each
//! variant's code and its Chinese and English names once, and derives the
//! rest: the list of all values, `code`, `parse`, `label`, the form helpers,
//! `Display` and serde. [`crate::db::pg_enum!`] maps one to its PostgreSQL
//! enum type.
//!
//! This module depends on nothing else in the crate, so the pure `scoring`
//! module can use it too. The interface language is a coded value itself.

/// A value with a code and a name in each language.
pub trait Coded: Copy + Eq + Sized + 'static {
    /// Every value, in the order lists and forms show them.
    const ALL: &'static [Self];

    fn code(self) -> &'static str;
    fn name_zh(self) -> &'static str;
    fn name_en(self) -> &'static str;

    /// The value with this code.
    fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }

    /// The name in `lang`.
    fn label_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.name_zh(),
            Lang::En => self.name_en(),
        }
    }

    /// (code, value) of every value, for a form field's choice.
    fn options() -> Vec<(&'static str, Self)> {
        Self::ALL.iter().map(|v| (v.code(), *v)).collect()
    }

    /// (code, name) of every value, for a `<select>` or radio group.
    fn choices(lang: Lang) -> Vec<(&'static str, &'static str)> {
        Self::ALL
            .iter()
            .map(|v| (v.code(), v.label_in(lang)))
            .collect()
    }
}

/// Declares a coded enum:
///
/// ```text
/// coded_enum! {
///     /// How a visit was made.
///     pub enum VisitKind {
///         Routine = "routine", "日常走访", "Routine visit";
///         FollowUp = "follow_up", "回访", "Follow-up";
///     }
/// }
/// ```
///
/// The enum derives `Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd,
/// Ord` and serde (by code), implements [`Coded`] and `Display` (the code),
/// and has inherent `ALL`, `code`, `parse`, `label(lang)`, `options()` and
/// `choices(lang)`, so templates need no trait in scope.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal;)+
    }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $crate::coded::Coded for $name {
            const ALL: &'static [$name] = &[$($name::$variant,)+];

            fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            fn name_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }
        }

        #[allow(dead_code, unreachable_pub)]
        impl $name {
            pub const ALL: &'static [$name] = <$name as $crate::coded::Coded>::ALL;

            pub fn code(self) -> &'static str {
                $crate::coded::Coded::code(self)
            }

            pub fn parse(code: &str) -> Option<$name> {
                <$name as $crate::coded::Coded>::parse(code)
            }

            pub fn name_zh(self) -> &'static str {
                $crate::coded::Coded::name_zh(self)
            }

            pub fn name_en(self) -> &'static str {
                $crate::coded::Coded::name_en(self)
            }

            /// The name in `lang`.
            pub fn label(self, lang: impl Into<$crate::coded::Lang>) -> &'static str {
                $crate::coded::Coded::label_in(self, lang.into())
            }

            /// (code, value) pairs, for a form field's choice.
            pub fn options() -> Vec<(&'static str, $name)> {
                <$name as $crate::coded::Coded>::options()
            }

            /// (code, name) pairs, for a `<select>`.
            pub fn choices(lang: impl Into<$crate::coded::Lang>) -> Vec<(&'static str, &'static str)> {
                <$name as $crate::coded::Coded>::choices(lang.into())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::coded::Coded::code(*self))
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum! {
    /// The interface language, chosen per user (and from the browser before
    /// login). Each name is the language's own, for the switcher.
    pub enum Lang {
        Zh = "zh", "中文", "中文";
        En = "en", "English", "English";
    }
}

/// Templates hand values over by reference; this lets `label(lang)`-style
/// methods take `impl Into<Lang>` and be called from both Rust and templates.
impl From<&Lang> for Lang {
    fn from(lang: &Lang) -> Lang {
        *lang
    }
}

impl Lang {
    /// `zh` when the reader reads Chinese, else `en`.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    coded_enum! {
        /// A test enum.
        enum Fruit {
            Apple = "apple", "苹果", "apple";
            BloodOrange = "blood_orange", "血橙", "blood orange";
        }
    }

    #[test]
    fn codes_names_and_serde_agree() {
        assert_eq!(Fruit::ALL, [Fruit::Apple, Fruit::BloodOrange]);
        assert_eq!(Fruit::BloodOrange.code(), "blood_orange");
        assert_eq!(Fruit::parse("apple"), Some(Fruit::Apple));
        assert_eq!(Fruit::parse("Apple"), None);
        assert_eq!(Fruit::BloodOrange.label(Lang::Zh), "血橙");
        let by_ref = &Lang::En;
        assert_eq!(Fruit::BloodOrange.label(by_ref), "blood orange");
        assert_eq!(Fruit::options()[1], ("blood_orange", Fruit::BloodOrange));
        assert_eq!(Fruit::choices(Lang::En)[0], ("apple", "apple"));
        assert_eq!(Fruit::BloodOrange.to_string(), "blood_orange");
        let json = serde_json::to_string(&Fruit::BloodOrange).unwrap();
        assert_eq!(json, "\"blood_orange\"");
        assert_eq!(
            serde_json::from_str::<Fruit>("\"apple\"").unwrap(),
            Fruit::Apple
        );
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::En.pick("甲", "a"), "a");
    }
}
