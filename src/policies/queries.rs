//! The SQL of scoring policy versions. The policy is system-wide (it has no
//! station); only the admin extractor leads here.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};

use super::model::StoredPolicy;
use crate::scoring::{Policy, Quarter};

struct PolicyRow {
    scoring_policy_id: i64,
    version: i32,
    effective_from: String,
    mass_dispute_threshold: i32,
    demand_response_days: i32,
    params: Option<Value>,
    created_at: DateTime<Utc>,
    created_by: Option<i64>,
    created_by_name: Option<String>,
}

impl PolicyRow {
    /// The stored version as a `Policy`. Version 1 predates stored
    /// parameters: it is DESIGN.md's defaults with the row's two typed
    /// columns (as the evaluation service reads it).
    fn into_stored(self) -> sqlx::Result<StoredPolicy> {
        let effective_from = Quarter::parse(&self.effective_from).ok_or_else(|| {
            sqlx::Error::Decode(
                format!(
                    "scoring_policy {}: bad effective_from {:?}",
                    self.version, self.effective_from
                )
                .into(),
            )
        })?;
        let policy = match self.params {
            Some(params) => serde_json::from_value::<Policy>(params).map_err(|e| {
                sqlx::Error::Decode(format!("scoring_policy {}: {e}", self.version).into())
            })?,
            None => Policy {
                version: self.version,
                mass_dispute_threshold: self.mass_dispute_threshold,
                demand_response_days: self.demand_response_days,
                ..Policy::default_v1()
            },
        };
        Ok(StoredPolicy {
            scoring_policy_id: self.scoring_policy_id,
            version: self.version,
            effective_from,
            created_at: self.created_at,
            created_by: self.created_by,
            created_by_name: self.created_by_name,
            policy,
        })
    }
}

/// Every version, newest first.
pub(super) async fn all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<StoredPolicy>> {
    sqlx::query_as!(
        PolicyRow,
        r#"select p.scoring_policy_id, p.version, p.effective_from, p.mass_dispute_threshold,
                  p.demand_response_days, p.params, p.created_at, p.created_by,
                  u.display_name as "created_by_name?"
           from scoring_policy p
           left join app_user u on u.user_id = p.created_by
           order by p.version desc"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(PolicyRow::into_stored)
    .collect()
}

/// The version with the highest number (the one new versions follow).
pub(super) async fn newest(db: impl PgExecutor<'_>) -> sqlx::Result<Option<StoredPolicy>> {
    sqlx::query_as!(
        PolicyRow,
        r#"select p.scoring_policy_id, p.version, p.effective_from, p.mass_dispute_threshold,
                  p.demand_response_days, p.params, p.created_at, p.created_by,
                  u.display_name as "created_by_name?"
           from scoring_policy p
           left join app_user u on u.user_id = p.created_by
           order by p.version desc
           limit 1"#
    )
    .fetch_optional(db)
    .await?
    .map(PolicyRow::into_stored)
    .transpose()
}

/// Lock the newest row until the transaction ends, so that two saves
/// based on the same version take turns. The row this returns may be out of
/// date once the lock was waited for: read [`newest`] again after it.
pub(super) async fn lock_newest(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query_scalar!(
        "select version from scoring_policy order by version desc limit 1 for update"
    )
    .fetch_optional(conn)
    .await?;
    Ok(())
}

/// Store `policy` as its version; the typed columns the field-work modules
/// read are kept equal to the parameters.
pub(super) async fn insert(
    conn: &mut PgConnection,
    policy: &Policy,
    effective_from: Quarter,
    params: Value,
    user_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into scoring_policy (version, effective_from, mass_dispute_threshold,
                                     demand_response_days, params, created_by)
         values ($1, $2, $3, $4, $5, $6)
         returning scoring_policy_id",
        policy.version,
        effective_from.to_string(),
        policy.mass_dispute_threshold,
        policy.demand_response_days,
        params,
        user_id
    )
    .fetch_one(conn)
    .await
}
