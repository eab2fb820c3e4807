//! A minimal CSV row writer (RFC 4180): a field is quoted only when it holds a comma, a
//! quote or a line break, and quotes inside are doubled. Rows are built in a reused buffer
//! and numbers are formatted without allocating, because `orders.csv` of a million-order
//! run is written on the hot path. Tests read the output back with the `csv` crate.

use std::fmt::Display;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

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

    /// A number, or an empty field for none.
    pub fn opt(&mut self, value: Option<u64>) -> &mut Self {
        match value {
            Some(v) => self.plain(v),
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

#[cfg(test)]
mod tests {
    use super::*;

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
