//! How coded values are stored: as the PostgreSQL enum type of the same
//! codes. [`pg_enum!`] maps a [`Coded`](crate::coded::Coded) enum (its own
//! module's or the pure `scoring` module's) to its type, by code, so the
//! enums themselves carry no database derive.

/// `pg_enum!(VisitKind => "visit_kind");` implements sqlx's `Type`,
/// `Encode` and `Decode` (and arrays) for a coded enum.
macro_rules! pg_enum {
    ($($ty:ty => $pg:literal;)+) => {$(
        impl sqlx::Type<sqlx::Postgres> for $ty {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                sqlx::postgres::PgTypeInfo::with_name($pg)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $ty {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                sqlx::postgres::PgTypeInfo::array_of($pg)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Postgres> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Postgres>>::encode(
                    $crate::coded::Coded::code(*self),
                    buf,
                )
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $ty {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let code = <&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?;
                <$ty as $crate::coded::Coded>::parse(code).ok_or_else(|| {
                    format!("{code:?} is not a {} code", $pg).into()
                })
            }
        }
    )+};
}
pub(crate) use pg_enum;

pg_enum! {
    crate::coded::Lang => "ui_lang";
}
