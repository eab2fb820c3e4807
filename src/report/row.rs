//! A minimal CSV row writer (RFC 4180): a field is quoted only when it holds a comma, a
//! quote or a line break, and quotes inside are doubled. Rows are built in a reused buffer
//! and numbers are formatted without allocating or going through `core::fmt` (whose
//! formatter machinery cost more than the rest of a row), because `orders.csv` of a
//! million-order run is written on the hot path. Tests read the output back with the `csv`
//! crate.

use std::fmt::Display;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::engine::OrderId;

/// One CSV file being written row by row (into the staging folder of its report set).
pub struct RowWriter {
    file: BufWriter<File>,
    line: Vec<u8>,
    fields: usize,
}

impl RowWriter {
    /// Starts `dir/name` with its header row.
    pub fn create(dir: &Path, name: &str, header: &[&str]) -> io::Result<RowWriter> {
        let mut w = RowWriter {
            file: BufWriter::with_capacity(1 << 16, super::atomic::create_file(dir, name)?),
            line: Vec::with_capacity(256),
            fields: 0,
        };
        for column in header {
            w.text(column);
        }
        w.end()?;
        Ok(w)
    }

    fn separate(&mut self) {
        if self.fields > 0 {
            self.line.push(b',');
        }
        self.fields += 1;
    }

    /// A text field, quoted if it must be.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separate();
        if value.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.line.push(b'"');
            for b in value.bytes() {
                if b == b'"' {
                    self.line.push(b'"');
                }
                self.line.push(b);
            }
            self.line.push(b'"');
        } else {
            self.line.extend_from_slice(value.as_bytes());
        }
        self
    }

    /// A field of anything displayable that needs no quoting (numbers, ids, codes).
    pub fn plain(&mut self, value: impl Display) -> &mut Self {
        self.separate();
        let _ = write!(self.line, "{value}");
        self
    }

    /// A field that needs no quoting (a status, a reason, a code), copied as it is.
    pub fn code(&mut self, value: &str) -> &mut Self {
        self.separate();
        self.line.extend_from_slice(value.as_bytes());
        self
    }

    /// A number in decimal, as `Display` writes it.
    pub fn number(&mut self, value: u64) -> &mut Self {
        self.separate();
        push_decimal(&mut self.line, value);
        self
    }

    /// An order id as users see it, `order-N`, as its `Display` writes it.
    pub fn order(&mut self, id: OrderId) -> &mut Self {
        self.separate();
        self.line.extend_from_slice(OrderId::PREFIX.as_bytes());
        push_decimal(&mut self.line, id.number());
        self
    }

    /// A number, or an empty field for none.
    pub fn opt(&mut self, value: Option<u64>) -> &mut Self {
        match value {
            Some(v) => self.number(v),
            None => {
                self.separate();
                self
            }
        }
    }

    /// Ends the row and hands it to the file's buffer.
    pub fn end(&mut self) -> io::Result<()> {
        self.line.push(b'\n');
        self.fields = 0;
        let result = self.file.write_all(&self.line);
        self.line.clear();
        result
    }

    /// Flushes the rows and syncs the file to disk.
    pub fn finish(self) -> io::Result<()> {
        let file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()
    }
}

/// Appends `value` in decimal to `out`, as `Display` writes it.
pub fn push_decimal(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(Decimal::of(value).as_bytes());
}

/// A number's decimal digits, as `Display` writes them, made two at a time from a table
/// without a formatter.
pub struct Decimal {
    /// u64::MAX has 20 digits.
    digits: [u8; 20],
    start: usize,
}

impl Decimal {
    /// The digits of `value`.
    pub fn of(mut value: u64) -> Decimal {
        const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
            2021222324252627282930313233343536373839\
            4041424344454647484950515253545556575859\
            6061626364656667686970717273747576777879\
            8081828384858687888990919293949596979899";
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        while value >= 100 {
            let pair = (value % 100) as usize * 2;
            value /= 100;
            start -= 2;
            digits[start..start + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        }
        if value >= 10 {
            let pair = value as usize * 2;
            start -= 2;
            digits[start..start + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        } else {
            start -= 1;
            digits[start] = b'0' + value as u8;
        }
        Decimal { digits, start }
    }

    /// The digits as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.digits[self.start..]
    }

    /// The digits as text (ASCII digits only, so always valid).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_what_display_writes() {
        let mut samples = vec![
            0,
            1,
            9,
            10,
            11,
            99,
            100,
            101,
            999,
            1000,
            65_535,
            u64::MAX,
            u64::MAX - 1,
        ];
        samples.extend((0..20).map(|p| 10u64.pow(p)));
        samples.extend((1..20).map(|p| 10u64.pow(p) - 1));
        samples.extend((0..5000).map(|i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (i % 64)));
        for value in samples {
            let mut out = b"x".to_vec();
            push_decimal(&mut out, value);
            assert_eq!(out, format!("x{value}").into_bytes(), "{value}");
        }
        assert_eq!(Decimal::of(1234).as_str(), "1234");
    }

    #[test]
    fn order_ids_are_what_display_writes() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = RowWriter::create(dir.path(), "t.csv", &["a", "b"]).unwrap();
        w.order(OrderId(0)).order(OrderId(u32::MAX));
        w.end().unwrap();
        w.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
        assert_eq!(text, format!("a,b\n{},{}\n", OrderId(0), OrderId(u32::MAX)));
    }

    #[test]
    fn output_reads_back_field_for_field_with_the_csv_crate() {
        let dir = tempfile::tempdir().unwrap();
        let tricky = [
            "plain",
            "with,comma",
            "with \"quotes\"",
            "line\nbreak",
            "",
            " spaced ",
            "crlf\r\n",
        ];
        let mut w = RowWriter::create(dir.path(), "t.csv", &["a", "b", "c", "d", "e", "f", "g"]).unwrap();
        for value in tricky {
            w.text(value);
        }
        w.end().unwrap();
        w.plain(42)
            .opt(None)
            .opt(Some(7))
            .text("x")
            .plain("order-9")
            .opt(Some(0))
            .text("");
        w.end().unwrap();
        w.finish().unwrap();
        let mut reader = csv::Reader::from_path(dir.path().join("t.csv")).unwrap();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows[0], tricky);
        assert_eq!(rows[1], ["42", "", "7", "x", "order-9", "0", ""]);
    }
}
