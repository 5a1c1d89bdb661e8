//! Splits a filter or order_by string into tokens with byte spans, following the token rules
//! MLflow gets from `sqlparse`: single-quoted strings, double-quoted strings or names,
//! backticked names, dotted names, numbers, comparison operators and keywords.

use super::ast::Span;
use super::error::SearchError;

/// One token and where it sits in the input.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) span: Span,
}

/// What a token is. Whether a double-quoted token is a value or a name is decided by the parser
/// from where it stands, as MLflow does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    /// A bare, backticked or dotted name: `status`, `` `my key` ``, `metrics.acc`,
    /// ``tags.`mlflow.runName` ``, `params."lr"`. Never a keyword.
    Name(Vec<NamePart>),
    /// `'text'`; `''` and `\'` stand for one `'`.
    SingleQuoted(String),
    /// `"text"` standing alone; `""` and `\"` stand for one `"`.
    DoubleQuoted(String),
    /// `1`, `-2.5`, `.5`, `1e-3`.
    Number(f64),
    /// `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`.
    Operator(Operator),
    /// A keyword, matched without regard to case.
    Keyword(Keyword),
    /// `(`
    LeftParen,
    /// `)`
    RightParen,
    /// `,`
    Comma,
    /// `+`, `-` or `*` standing alone; only from [`tokenize_arithmetic`] (a gate rule's
    /// `baseline - 0.01`).
    Sign(Sign),
    /// The end of the input (an empty span at its length).
    End,
}

/// One dot-separated piece of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamePart {
    pub(crate) text: String,
    pub(crate) quoted: bool,
}

/// An arithmetic sign of a gate rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    Plus,
    Minus,
    Times,
}

/// A comparison operator as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Eq,
    NotEq,
    /// `<>`: recognised only to say that MLflow does not accept it.
    LessGreater,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

/// The grammar's keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    In,
    Like,
    ILike,
    Is,
    Null,
    Asc,
    Desc,
}

impl Keyword {
    fn from_word(word: &str) -> Option<Self> {
        const KEYWORDS: [(&str, Keyword); 10] = [
            ("and", Keyword::And),
            ("or", Keyword::Or),
            ("not", Keyword::Not),
            ("in", Keyword::In),
            ("like", Keyword::Like),
            ("ilike", Keyword::ILike),
            ("is", Keyword::Is),
            ("null", Keyword::Null),
            ("asc", Keyword::Asc),
            ("desc", Keyword::Desc),
        ];
        KEYWORDS
            .iter()
            .find(|(text, _)| word.eq_ignore_ascii_case(text))
            .map(|(_, keyword)| *keyword)
    }
}

impl Token {
    /// How an error message names this token: `'foo'`, `the string 'abc'`, `the end of input`.
    pub(crate) fn describe(&self, input: &str) -> String {
        let text = input
            .get(self.span.start..self.span.end)
            .unwrap_or_default();
        match self.kind {
            TokenKind::End => "the end of input".to_owned(),
            TokenKind::SingleQuoted(_) | TokenKind::DoubleQuoted(_) => format!("the string {text}"),
            TokenKind::Number(_) => format!("the number {text}"),
            _ => format!("'{text}'"),
        }
    }
}

/// Splits `input` into tokens; the last token is always [`TokenKind::End`].
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token>, SearchError> {
    tokenize_with(input, false)
}

/// As [`tokenize`], with `+`, `*` and a `-` that starts no number read as [`TokenKind::Sign`]
/// (also right after a name: `baseline-0.01`), for gate rules.
pub(crate) fn tokenize_arithmetic(input: &str) -> Result<Vec<Token>, SearchError> {
    tokenize_with(input, true)
}

fn tokenize_with(input: &str, arithmetic: bool) -> Result<Vec<Token>, SearchError> {
    let mut lexer = Lexer {
        input,
        position: 0,
        arithmetic,
    };
    let mut tokens = Vec::new();
    loop {
        lexer.skip_whitespace();
        let start = lexer.position;
        let Some(kind) = lexer.next_kind()? else {
            tokens.push(Token {
                kind: TokenKind::End,
                span: Span { start, end: start },
            });
            return Ok(tokens);
        };
        tokens.push(Token {
            kind,
            span: Span {
                start,
                end: lexer.position,
            },
        });
    }
}

struct Lexer<'a> {
    input: &'a str,
    /// Byte offset of the next character; always on a character boundary.
    position: usize,
    /// Whether `+ - *` are signs rather than errors.
    arithmetic: bool,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.input.get(self.position..)?.chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        let mut chars = self.input.get(self.position..)?.chars();
        chars.next();
        chars.next()
    }

    fn bump(&mut self) -> Option<char> {
        let next = self.peek()?;
        self.position += next.len_utf8();
        Some(next)
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Reads one token after whitespace; `None` at the end of input.
    fn next_kind(&mut self) -> Result<Option<TokenKind>, SearchError> {
        let start = self.position;
        let Some(first) = self.peek() else {
            return Ok(None);
        };
        let second = self.peek_second();
        let kind = match first {
            '(' => self.single(TokenKind::LeftParen),
            ')' => self.single(TokenKind::RightParen),
            ',' => self.single(TokenKind::Comma),
            '\'' => TokenKind::SingleQuoted(self.quoted('\'')?),
            '=' | '!' | '<' | '>' => TokenKind::Operator(self.operator()?),
            '"' | '`' => self.name_or_string()?,
            c if c.is_ascii_digit() => self.number()?,
            '.' | '-' if starts_number(first, second, self.input.get(start + 1..)) => {
                self.number()?
            }
            c if is_name_start(c) => self.name_or_string()?,
            '+' if self.arithmetic => self.single(TokenKind::Sign(Sign::Plus)),
            '-' if self.arithmetic => self.single(TokenKind::Sign(Sign::Minus)),
            '*' if self.arithmetic => self.single(TokenKind::Sign(Sign::Times)),
            ';' => {
                return Err(SearchError::new(
                    start,
                    "expected AND between conditions, found ';' (a filter is one expression)",
                ));
            }
            other => {
                return Err(SearchError::new(
                    start,
                    format!("expected a name, value, operator or parenthesis, found '{other}'"),
                ));
            }
        };
        Ok(Some(kind))
    }

    fn single(&mut self, kind: TokenKind) -> TokenKind {
        self.bump();
        kind
    }

    fn operator(&mut self) -> Result<Operator, SearchError> {
        let start = self.position;
        let first = self.bump();
        let second = self.peek();
        let (operator, takes_second) = match (first, second) {
            (Some('='), Some('=')) => {
                return Err(SearchError::new(
                    start,
                    "expected a comparison operator, found '=='; write '=' for equality",
                ));
            }
            (Some('='), _) => (Operator::Eq, false),
            (Some('!'), Some('=')) => (Operator::NotEq, true),
            (Some('!'), _) => {
                return Err(SearchError::new(
                    start,
                    "expected '=' after '!' (as in '!=')",
                ));
            }
            (Some('<'), Some('=')) => (Operator::LtEq, true),
            (Some('<'), Some('>')) => (Operator::LessGreater, true),
            (Some('<'), _) => (Operator::Lt, false),
            (Some('>'), Some('=')) => (Operator::GtEq, true),
            _ => (Operator::Gt, false),
        };
        if takes_second {
            self.bump();
        }
        Ok(operator)
    }

    /// Reads `'…'`, `"…"` or `` `…` `` starting at the opening quote and returns the text inside.
    /// A doubled quote stands for one; for `'` and `"` so does a backslash before it, as in
    /// `sqlparse`. Other backslashes are kept as they are.
    fn quoted(&mut self, quote: char) -> Result<String, SearchError> {
        let start = self.position;
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                None => {
                    let what = if quote == '\'' {
                        "string"
                    } else {
                        "quoted name or string"
                    };
                    let what = if quote == '`' { "quoted name" } else { what };
                    return Err(SearchError::new(
                        start,
                        format!(
                            "expected a closing {quote} for the {what} that starts here, found the \
                             end of input"
                        ),
                    ));
                }
                Some(c) if c == quote => {
                    if self.peek() == Some(quote) {
                        self.bump();
                        text.push(quote);
                    } else {
                        return Ok(text);
                    }
                }
                Some('\\') if quote != '`' && self.peek() == Some(quote) => {
                    self.bump();
                    text.push(quote);
                }
                Some(c) => text.push(c),
            }
        }
    }

    /// Reads a name made of dot-separated parts, each bare or quoted. A double-quoted part standing
    /// alone is a [`TokenKind::DoubleQuoted`] string; a bare word that is a keyword is a
    /// [`TokenKind::Keyword`].
    fn name_or_string(&mut self) -> Result<TokenKind, SearchError> {
        let start = self.position;
        let mut parts = Vec::new();
        let mut first_is_double_quoted = false;
        loop {
            let part_start = self.position;
            let part = match self.peek() {
                Some(quote @ ('"' | '`')) => {
                    if parts.is_empty() {
                        first_is_double_quoted = quote == '"';
                    }
                    NamePart {
                        text: self.quoted(quote)?,
                        quoted: true,
                    }
                }
                // After a dot a part may start with a digit: `metrics.2nd_loss`.
                Some(c) if is_name_char(c) && (!parts.is_empty() || is_name_start(c)) => NamePart {
                    text: self.bare_word(),
                    quoted: false,
                },
                found => {
                    let found = match found {
                        None => "the end of input".to_owned(),
                        Some(c) if c.is_whitespace() => "whitespace".to_owned(),
                        Some(c) => format!("'{c}'"),
                    };
                    return Err(SearchError::new(
                        part_start,
                        format!("expected a name after '.', found {found}"),
                    ));
                }
            };
            parts.push(part);
            if self.peek() == Some('.') {
                self.bump();
            } else {
                break;
            }
        }
        if let Some(c @ ('-' | '/' | ':')) = self.peek()
            && !(self.arithmetic && c == '-')
        {
            let written = self.input.get(start..self.position).unwrap_or_default();
            return Err(SearchError::new(
                self.position,
                format!(
                    "expected an operator after '{written}', found '{c}'; names containing \
                     '-', '/', ':' or spaces must be quoted, e.g. metrics.`my-key`"
                ),
            ));
        }
        if let [only] = parts.as_slice() {
            if first_is_double_quoted {
                return Ok(TokenKind::DoubleQuoted(only.text.clone()));
            }
            if !only.quoted
                && let Some(keyword) = Keyword::from_word(&only.text)
            {
                return Ok(TokenKind::Keyword(keyword));
            }
        }
        Ok(TokenKind::Name(parts))
    }

    fn bare_word(&mut self) -> String {
        let start = self.position;
        while self.peek().is_some_and(is_name_char) {
            self.bump();
        }
        self.input
            .get(start..self.position)
            .unwrap_or_default()
            .to_owned()
    }

    /// Reads `-?(digits[.digits*] | .digits)([eE][+-]?digits)?`.
    fn number(&mut self) -> Result<TokenKind, SearchError> {
        let start = self.position;
        if self.peek() == Some('-') {
            self.bump();
        }
        self.digits();
        if self.peek() == Some('.') {
            self.bump();
            self.digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let after_e = self.input.get(self.position + 1..).unwrap_or_default();
            let mut rest = after_e.chars();
            let exponent_follows = match rest.next() {
                Some('+' | '-') => rest.next().is_some_and(|c| c.is_ascii_digit()),
                Some(c) => c.is_ascii_digit(),
                None => false,
            };
            if exponent_follows {
                self.bump();
                if matches!(self.peek(), Some('+' | '-')) {
                    self.bump();
                }
                self.digits();
            }
        }
        let text = self.input.get(start..self.position).unwrap_or_default();
        if self.peek().is_some_and(|c| is_name_char(c) || c == '.') {
            let mut end = self.position;
            while let Some(c) = self.input.get(end..).and_then(|rest| rest.chars().next()) {
                if !(is_name_char(c) || c == '.') {
                    break;
                }
                end += c.len_utf8();
            }
            let written = self.input.get(start..end).unwrap_or_default();
            return Err(SearchError::new(
                start,
                format!(
                    "expected a number or a name, found '{written}'; a name that starts with a \
                     digit needs a prefix and quotes, e.g. metrics.`{written}`"
                ),
            ));
        }
        text.parse::<f64>()
            .map(TokenKind::Number)
            .map_err(|_| SearchError::new(start, format!("expected a number, found '{text}'")))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
    }
}

/// Whether `first` (with `second` and the text after `first`) begins a number: `-1`, `-.5`, `.5`.
fn starts_number(first: char, second: Option<char>, after_first: Option<&str>) -> bool {
    match (first, second) {
        ('.', Some(c)) => c.is_ascii_digit(),
        ('-', Some(c)) if c.is_ascii_digit() => true,
        ('-', Some('.')) => after_first
            .and_then(|rest| rest.chars().nth(1))
            .is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check(input: &str, expected: Expect) {
        let rendered = match tokenize(input) {
            Ok(tokens) => tokens
                .iter()
                .map(|token| format!("{:?}@{}..{}", token.kind, token.span.start, token.span.end))
                .collect::<Vec<_>>()
                .join("\n"),
            Err(error) => error.to_string(),
        };
        expected.assert_eq(&rendered);
    }

    #[test]
    fn dotted_and_quoted_names() {
        check(
            r#"tags.`mlflow.runName` metrics."my key" tags.mlflow.source.type `run name`"#,
            expect![[r#"
                Name([NamePart { text: "tags", quoted: false }, NamePart { text: "mlflow.runName", quoted: true }])@0..21
                Name([NamePart { text: "metrics", quoted: false }, NamePart { text: "my key", quoted: true }])@22..38
                Name([NamePart { text: "tags", quoted: false }, NamePart { text: "mlflow", quoted: false }, NamePart { text: "source", quoted: false }, NamePart { text: "type", quoted: false }])@39..62
                Name([NamePart { text: "run name", quoted: true }])@63..73
                End@73..73"#]],
        );
    }

    #[test]
    fn strings_with_escapes() {
        check(
            r#"'it''s' 'a\'b' "say ""hi""" 'C:\dir' 'Ünïcødé'"#,
            expect![[r#"
                SingleQuoted("it's")@0..7
                SingleQuoted("a'b")@8..14
                DoubleQuoted("say \"hi\"")@15..27
                SingleQuoted("C:\\dir")@28..36
                SingleQuoted("Ünïcødé")@37..50
                End@50..50"#]],
        );
    }

    #[test]
    fn numbers() {
        check(
            "1 -2 3.5 .5 -.5 1e3 1E-3 2.5e+2 7.",
            expect![[r#"
                Number(1.0)@0..1
                Number(-2.0)@2..4
                Number(3.5)@5..8
                Number(0.5)@9..11
                Number(-0.5)@12..15
                Number(1000.0)@16..19
                Number(0.001)@20..24
                Number(250.0)@25..31
                Number(7.0)@32..34
                End@34..34"#]],
        );
    }

    #[test]
    fn operators_keywords_and_punctuation() {
        check(
            "= != <> < <= > >= and OR Not in LIKE ilike is NULL asc DESC ( ) ,",
            expect![[r#"
                Operator(Eq)@0..1
                Operator(NotEq)@2..4
                Operator(LessGreater)@5..7
                Operator(Lt)@8..9
                Operator(LtEq)@10..12
                Operator(Gt)@13..14
                Operator(GtEq)@15..17
                Keyword(And)@18..21
                Keyword(Or)@22..24
                Keyword(Not)@25..28
                Keyword(In)@29..31
                Keyword(Like)@32..36
                Keyword(ILike)@37..42
                Keyword(Is)@43..45
                Keyword(Null)@46..50
                Keyword(Asc)@51..54
                Keyword(Desc)@55..59
                LeftParen@60..61
                RightParen@62..63
                Comma@64..65
                End@65..65"#]],
        );
    }

    #[test]
    fn no_spaces_needed() {
        check(
            "metrics.acc>=-1",
            expect![[r#"
                Name([NamePart { text: "metrics", quoted: false }, NamePart { text: "acc", quoted: false }])@0..11
                Operator(GtEq)@11..13
                Number(-1.0)@13..15
                End@15..15"#]],
        );
    }

    #[test]
    fn errors_name_their_position() {
        check(
            "params.x = 'open",
            expect![
                "at position 11: expected a closing ' for the string that starts here, found the end of input"
            ],
        );
        check(
            "metrics.my-key > 1",
            expect![
                "at position 10: expected an operator after 'metrics.my', found '-'; names containing '-', '/', ':' or spaces must be quoted, e.g. metrics.`my-key`"
            ],
        );
        check(
            "metrics. > 1",
            expect!["at position 8: expected a name after '.', found whitespace"],
        );
        check(
            "metrics.a == 1",
            expect![
                "at position 10: expected a comparison operator, found '=='; write '=' for equality"
            ],
        );
        check(
            "metrics.a ~ 1",
            expect!["at position 10: expected a name, value, operator or parenthesis, found '~'"],
        );
        check(
            "metrics.a > 1x",
            expect![
                "at position 12: expected a number or a name, found '1x'; a name that starts with a digit needs a prefix and quotes, e.g. metrics.`1x`"
            ],
        );
        check(
            "metrics.a > 1; b",
            expect![
                "at position 13: expected AND between conditions, found ';' (a filter is one expression)"
            ],
        );
    }
}
