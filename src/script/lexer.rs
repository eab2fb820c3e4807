//! Splits one script line into words (SPEC §4): `#` starts a comment, words are separated
//! by spaces, and a double-quoted stretch keeps its spaces (`address="12 Main St"` is one
//! word, `address=12 Main St`). There are no escapes; a quote cannot appear inside a value.

/// Why a line could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError(pub String);

/// The line up to its comment: a `#` outside double quotes.
pub fn code_part(line: &str) -> &str {
    let mut in_quotes = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '#' if !in_quotes => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The words of a line, without its comment. An empty result is a blank line.
pub fn words(line: &str) -> Result<Vec<String>, LexError> {
    let line = code_part(line);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut in_quotes = false;
    for c in line.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                in_word = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if in_word {
                    out.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_quotes {
        return Err(LexError(
            "unterminated quote: a `\"` opens a value that never closes".into(),
        ));
    }
    if in_word {
        out.push(current);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_spaces_and_keeps_quoted_spaces() {
        assert_eq!(
            words(r#"onboard customer tom address="1 Main St"  phone=1"#).unwrap(),
            ["onboard", "customer", "tom", "address=1 Main St", "phone=1"]
        );
    }

    #[test]
    fn comments_end_the_line_outside_quotes_only() {
        assert_eq!(words("wait 5s # rest").unwrap(), ["wait", "5s"]);
        assert_eq!(words(r#"x a="b # c""#).unwrap(), ["x", "a=b # c"]);
        assert!(words("   # only a comment").unwrap().is_empty());
        assert!(words("").unwrap().is_empty());
    }

    #[test]
    fn empty_quotes_make_an_empty_word() {
        assert_eq!(words(r#"a "" b"#).unwrap(), ["a", "", "b"]);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert!(words(r#"onboard customer tom address="1 Main"#).is_err());
    }
}
