//! The word lists of `data/`: UTF-8, one row per line, cells separated by
//! tabs, lists inside a cell by `|`; lines starting with `#` (the first says
//! what the columns are) and blank lines are skipped. The files are compiled
//! into the binary, so a malformed one is a bug caught by this crate's tests
//! (every table is read there), never a runtime surprise.

/// The rows of `text` (the contents of `data/<name>`), each cut into
/// exactly `N` cells; missing trailing cells are empty.
pub(crate) fn rows<const N: usize>(name: &str, text: &'static str) -> Vec<[&'static str; N]> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let mut cells = [""; N];
            let mut parts = line.split('\t');
            for cell in &mut cells {
                *cell = parts.next().unwrap_or("");
            }
            assert!(
                parts.next().is_none(),
                "data/{name}, line {}: more than {N} cells",
                i + 1
            );
            cells
        })
        .collect()
}

/// The one cell of every row of a one-column table.
pub(crate) fn column(name: &str, text: &'static str) -> Vec<&'static str> {
    rows::<1>(name, text).into_iter().map(|[c]| c).collect()
}

/// A `|`-separated list; empty for an empty cell.
pub(crate) fn list(cell: &'static str) -> Vec<&'static str> {
    if cell.is_empty() {
        Vec::new()
    } else {
        cell.split('|').collect()
    }
}

/// A whole number cell.
pub(crate) fn number(name: &str, cell: &str) -> u64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("data/{name}: {cell:?} is not a whole number"))
}

/// A `true`/`false` cell.
pub(crate) fn flag(name: &str, cell: &str) -> bool {
    match cell {
        "true" => true,
        "false" => false,
        _ => panic!("data/{name}: {cell:?} is neither true nor false"),
    }
}

/// Rows grouped by their first cell, groups in order of first appearance.
pub(crate) fn grouped<const N: usize>(
    rows: Vec<[&'static str; N]>,
) -> Vec<(&'static str, Vec<[&'static str; N]>)> {
    let mut groups: Vec<(&'static str, Vec<[&'static str; N]>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(key, _)| *key == row[0]) {
            Some((_, members)) => members.push(row),
            None => groups.push((row[0], vec![row])),
        }
    }
    groups
}

/// The members of the group `key` of `groups`, or of the group `default`
/// when there is no `key`.
pub(crate) fn members<T>(
    groups: &'static [(&'static str, Vec<T>)],
    key: &str,
    default: &str,
) -> &'static [T] {
    let find = |k: &str| groups.iter().find(|(g, _)| *g == k);
    find(key)
        .or_else(|| find(default))
        .map_or(&[], |(_, members)| members.as_slice())
}

/// A `static` table read once from `data/$file`: `table!(NAME: Type =
/// "demo/x.tsv", |name, text| build)`.
macro_rules! table {
    ($(#[$doc:meta])* $name:ident: $ty:ty = $file:literal, $build:expr) => {
        $(#[$doc])*
        pub(crate) static $name: std::sync::LazyLock<$ty> = std::sync::LazyLock::new(|| {
            let build: fn(&'static str, &'static str) -> $ty = $build;
            build($file, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/", $file)))
        });
    };
}
pub(crate) use table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_lists_and_groups() {
        let text = "# a\tb\tc\nx\t1\tp|q\n\ny\t2\nx\t3\t\n";
        let r = rows::<3>("t", text);
        assert_eq!(r, [["x", "1", "p|q"], ["y", "2", ""], ["x", "3", ""]]);
        assert_eq!(list(r[0][2]), ["p", "q"]);
        assert!(list(r[1][2]).is_empty());
        assert_eq!(number("t", r[2][1]), 3);
        let g = grouped(r);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].1.len(), 2);
    }

    #[test]
    #[should_panic(expected = "more than 2 cells")]
    fn extra_cells_are_refused() {
        rows::<2>("t", "a\tb\tc\n");
    }
}
