//! Pieces of list queries that several modules build with a
//! `QueryBuilder`: the page window and the enterprise search.

use sqlx::{Postgres, QueryBuilder};

/// LIMIT and OFFSET as literals (numbers the server computed): with
/// parameters there, PostgreSQL cannot cost a generic plan for a page and
/// plans every execution afresh; page 1 (no OFFSET) then runs one cached plan.
pub fn push_page(qb: &mut QueryBuilder<Postgres>, limit: i64, offset: i64) {
    qb.push(format_args!("\n           limit {limit}"));
    if offset > 0 {
        qb.push(format_args!(" offset {offset}"));
    }
}

/// Enterprises `e` whose `columns` hold the search text (nothing when it
/// is empty). An enterprise whose name, credit code or address holds the
/// text has all the text's character pairs: the GIN index of migration 0011
/// finds those, the ILIKE on the columns keeps the exact matches.
pub fn push_search(qb: &mut QueryBuilder<Postgres>, text: &str, pattern: &str, columns: &[&str]) {
    if text.is_empty() {
        return;
    }
    qb.push(
        "\n             and search_grams(e.name || ' ' || e.credit_code || ' ' || e.address)\n                 @> search_query_grams(",
    );
    qb.push_bind(text.to_owned());
    qb.push(")\n             and (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            qb.push(" or ");
        }
        qb.push(column);
        qb.push(" ilike ");
        qb.push_bind(pattern.to_owned());
    }
    qb.push(")");
}
