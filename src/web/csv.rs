//! CSV in and out. Exports are UTF-8 with a byte-order mark (so spreadsheet
//! tools open Chinese correctly) and neutralise cells that a spreadsheet
//! would run as a formula.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Prefix a cell that a spreadsheet would read as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// A CSV document: header row, then rows; every cell neutralised.
pub fn write(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail.
        let _ = w.write_record(headers.iter().map(|h| neutralise(h)));
        for row in rows {
            let _ = w.write_record(row.iter().map(|c| neutralise(c)));
        }
        let _ = w.flush();
    }
    out
}

/// A download response; `filename` must be ASCII.
pub fn download(filename: &str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Rows of an uploaded CSV file: BOM stripped, UTF-8 required (GBK files
/// from old spreadsheet tools are refused with a message by the caller).
pub fn read(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| ReadError::Malformed { line: i + 1 })?;
        // A NUL or other control character cannot be stored (nor typed):
        // refused here, once, for every importer.
        if let Some(column) = record.iter().position(crate::web::form::has_control_chars) {
            return Err(ReadError::ControlChar {
                line: i + 1,
                column: column + 1,
            });
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(rows)
}

#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    NotUtf8,
    Malformed {
        line: usize,
    },
    /// A cell (1-based line and column) holds a control character.
    ControlChar {
        line: usize,
        column: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_in_a_cell_is_refused_with_its_place() {
        let file = "名称,地址\n临江公司,滨江路\n甲公司,a\u{0}b\n";
        assert_eq!(
            read(file.as_bytes()),
            Err(ReadError::ControlChar { line: 3, column: 2 })
        );
        assert_eq!(read("a,\tb\n".as_bytes()).unwrap(), vec![vec!["a", "\tb"]]);
    }

    #[test]
    fn exports_with_bom_and_neutralised_formulas() {
        let out = write(
            &["名称", "备注"],
            vec![
                vec!["临江,公司".into(), "=1+1".into()],
                vec!["-2".into(), "@SUM(A1)".into()],
                vec!["说\"好\"".into(), "+86".into()],
            ],
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"临江,公司\",'=1+1\r\n"));
        assert!(text.contains("'-2,'@SUM(A1)\r\n"));
        assert!(text.contains("\"说\"\"好\"\"\",'+86\r\n"));
    }

    #[test]
    fn reads_what_it_writes() {
        let out = write(&["a", "b"], vec![vec!["x,1".into(), "多行\n文本".into()]]);
        let rows = read(&out).unwrap();
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x,1", "多行\n文本"]]);
        assert_eq!(read(&[0xff, 0xfe, 0x00]), Err(ReadError::NotUtf8));
    }
}
