//! Parses a run filter (`metrics.rmse < 1 and params.model = 'tree'`) into a [`Filter`],
//! enforcing MLflow's type rules: which operators and values each kind of field takes.
//!
//! Grammar (AND binds tighter than OR; OR and parentheses are Cairn's extension):
//!
//! ```text
//! filter     := or_expr END
//! or_expr    := and_expr ( OR and_expr )*
//! and_expr   := primary ( AND primary )*
//! primary    := '(' or_expr ')' | comparison
//! comparison := field ( op value | LIKE text | ILIKE text | [NOT] IN list | IS [NOT] NULL )
//! list       := '(' text ( ',' text )* ')'
//! ```

use super::ast::{CompareOp, Comparison, Filter, Literal, Predicate, Span};
use super::error::SearchError;
use super::fields::{FieldRules, FieldTable, RunFields, is_field_token};
use super::lexer::{Keyword, Operator, Token, TokenKind, tokenize};

/// How deeply parentheses may nest; deeper input is refused rather than risking the stack.
const MAX_NESTING: usize = 64;

/// Parses a run filter. Empty or whitespace-only input means "no filter" and gives `None`.
pub fn parse_filter(input: &str) -> Result<Option<Filter>, SearchError> {
    parse_with(&RunFields, input)
}

/// Parses a filter over the fields of `table`. Empty or whitespace-only input gives `None`.
pub(crate) fn parse_with<T: FieldTable>(
    table: &T,
    input: &str,
) -> Result<Option<Filter<T::Field>>, SearchError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    let tokens = tokenize(input)?;
    let end = Token {
        kind: TokenKind::End,
        span: Span {
            start: input.len(),
            end: input.len(),
        },
    };
    let mut parser = Parser {
        table,
        input,
        tokens,
        index: 0,
        end,
        nesting: 0,
        last_comparison: None,
    };
    let filter = parser.or_expression()?;
    let next = parser.peek();
    match next.kind {
        TokenKind::End => Ok(Some(filter)),
        TokenKind::RightParen => Err(SearchError::new(
            next.span.start,
            "expected AND, OR or the end of the filter, found ')' without a matching '('",
        )),
        _ => {
            // What came before is a comparison or a closing parenthesis.
            let previous = parser.previous_span();
            let before = match parser.last_comparison {
                Some(comparison) if comparison.end == previous.end => comparison,
                _ => previous,
            };
            Err(SearchError::new(
                next.span.start,
                format!(
                    "expected AND, OR or the end of the filter after '{}', found {}",
                    parser.text(before),
                    next.describe(input)
                ),
            ))
        }
    }
}

struct Parser<'a, T> {
    table: &'a T,
    input: &'a str,
    tokens: Vec<Token>,
    index: usize,
    /// Returned by `peek` past the last token, so that no lookup can fail.
    end: Token,
    nesting: usize,
    /// Where the latest comparison was written, for error messages.
    last_comparison: Option<Span>,
}

impl<T: FieldTable> Parser<'_, T> {
    fn peek(&self) -> &Token {
        self.tokens.get(self.index).unwrap_or(&self.end)
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if self.index < self.tokens.len() {
            self.index += 1;
        }
        token
    }

    fn peek_is_keyword(&self, keyword: Keyword) -> bool {
        self.peek().kind == TokenKind::Keyword(keyword)
    }

    fn previous_span(&self) -> Span {
        self.index
            .checked_sub(1)
            .and_then(|previous| self.tokens.get(previous))
            .map_or(Span::default(), |token| token.span)
    }

    fn text(&self, span: Span) -> &str {
        self.input.get(span.start..span.end).unwrap_or_default()
    }

    fn or_expression(&mut self) -> Result<Filter<T::Field>, SearchError> {
        let mut children = vec![self.and_expression()?];
        while self.peek_is_keyword(Keyword::Or) {
            self.advance();
            children.push(self.and_expression()?);
        }
        Ok(combine(children, Filter::Or, |child| {
            matches!(child, Filter::Or(_))
        }))
    }

    fn and_expression(&mut self) -> Result<Filter<T::Field>, SearchError> {
        let mut children = vec![self.primary()?];
        while self.peek_is_keyword(Keyword::And) {
            self.advance();
            children.push(self.primary()?);
        }
        Ok(combine(children, Filter::And, |child| {
            matches!(child, Filter::And(_))
        }))
    }

    fn primary(&mut self) -> Result<Filter<T::Field>, SearchError> {
        let token = self.peek().clone();
        if token.kind == TokenKind::LeftParen {
            if self.nesting >= MAX_NESTING {
                return Err(SearchError::new(
                    token.span.start,
                    format!("expected at most {MAX_NESTING} levels of parentheses, found more"),
                ));
            }
            self.advance();
            self.nesting += 1;
            let inner = self.or_expression()?;
            self.nesting -= 1;
            let close = self.advance();
            if close.kind != TokenKind::RightParen {
                return Err(SearchError::new(
                    close.span.start,
                    format!(
                        "expected ')' to close the '(' at position {}, found {}",
                        token.span.start,
                        close.describe(self.input)
                    ),
                ));
            }
            return Ok(inner);
        }
        if is_field_token(&token) {
            return self.comparison().map(Filter::Compare);
        }
        Err(self.expected_condition(&token))
    }

    fn expected_condition(&self, found: &Token) -> SearchError {
        let after = match self
            .index
            .checked_sub(1)
            .and_then(|previous| self.tokens.get(previous))
        {
            Some(previous) => format!("after '{}'", self.text(previous.span)),
            None => "such as metrics.acc > 0.9".to_owned(),
        };
        let hint = match found.kind {
            TokenKind::Keyword(Keyword::Not) => " (NOT works only in NOT IN and IS NOT NULL)",
            TokenKind::SingleQuoted(_) => {
                " (single quotes are for values; quote names with backticks or double quotes)"
            }
            _ => "",
        };
        SearchError::new(
            found.span.start,
            format!(
                "expected a condition {after}, found {}{hint}",
                found.describe(self.input)
            ),
        )
    }

    fn comparison(&mut self) -> Result<Comparison<T::Field>, SearchError> {
        let field_token = self.advance();
        let field = self.table.resolve(&field_token, self.input)?;
        let rules = self.table.rules(&field);
        let start = field_token.span.start;
        let operator = self.advance();
        let predicate = match operator.kind {
            TokenKind::Operator(written) => {
                let op = self.compare_op(written, &operator, start, &rules)?;
                Predicate::Compare {
                    op,
                    value: self.literal(start, &rules)?,
                }
            }
            TokenKind::Keyword(keyword @ (Keyword::Like | Keyword::ILike)) => {
                if rules.numeric {
                    return Err(self.operator_refused(start, &operator, &rules, ""));
                }
                let op = if keyword == Keyword::Like {
                    CompareOp::Like
                } else {
                    CompareOp::ILike
                };
                Predicate::Compare {
                    op,
                    value: self.literal(start, &rules)?,
                }
            }
            TokenKind::Keyword(Keyword::In) => {
                self.check_takes_lists(start, &operator, &rules)?;
                Predicate::In(self.list(start)?)
            }
            TokenKind::Keyword(Keyword::Not) => {
                let next = self.advance();
                if next.kind != TokenKind::Keyword(Keyword::In) {
                    return Err(SearchError::new(
                        next.span.start,
                        format!(
                            "expected IN after '{}' (as in NOT IN (...)), found {}",
                            self.text(Span {
                                start,
                                end: operator.span.end
                            }),
                            next.describe(self.input)
                        ),
                    ));
                }
                self.check_takes_lists(start, &operator, &rules)?;
                Predicate::NotIn(self.list(start)?)
            }
            TokenKind::Keyword(Keyword::Is) => {
                if !rules.takes_null {
                    return Err(self.operator_refused(
                        start,
                        &operator,
                        &rules,
                        self.table.null_note(),
                    ));
                }
                self.null_test(start)?
            }
            _ => {
                return Err(SearchError::new(
                    operator.span.start,
                    format!(
                        "expected a comparison operator after '{}', found {}",
                        self.text(field_token.span),
                        operator.describe(self.input)
                    ),
                ));
            }
        };
        let span = Span {
            start,
            end: self.previous_span().end,
        };
        self.last_comparison = Some(span);
        Ok(Comparison {
            field,
            predicate,
            span,
        })
    }

    fn compare_op(
        &self,
        written: Operator,
        token: &Token,
        start: usize,
        rules: &FieldRules,
    ) -> Result<CompareOp, SearchError> {
        let op = match written {
            Operator::Eq => CompareOp::Eq,
            Operator::NotEq => CompareOp::NotEq,
            Operator::Lt => CompareOp::Lt,
            Operator::LtEq => CompareOp::LtEq,
            Operator::Gt => CompareOp::Gt,
            Operator::GtEq => CompareOp::GtEq,
            Operator::LessGreater => {
                return Err(self.operator_refused(start, token, rules, "write != for 'not equal'"));
            }
        };
        let ordering = matches!(
            op,
            CompareOp::Lt | CompareOp::LtEq | CompareOp::Gt | CompareOp::GtEq
        );
        if ordering && !rules.numeric {
            return Err(self.operator_refused(start, token, rules, ""));
        }
        Ok(op)
    }

    fn check_takes_lists(
        &self,
        start: usize,
        operator: &Token,
        rules: &FieldRules,
    ) -> Result<(), SearchError> {
        if rules.takes_lists {
            Ok(())
        } else {
            Err(self.operator_refused(start, operator, rules, self.table.list_note()))
        }
    }

    /// "expected one of =, != ... after 'params.lr', found '>' (params are strings)".
    fn operator_refused(
        &self,
        start: usize,
        operator: &Token,
        rules: &FieldRules,
        note: &str,
    ) -> SearchError {
        let note = if note.is_empty() {
            rules.nature.as_str()
        } else {
            note
        };
        SearchError::new(
            operator.span.start,
            format!(
                "expected one of {} after '{}', found {} ({note})",
                rules.operators,
                self.text(Span {
                    start,
                    end: operator.span.start
                })
                .trim_end(),
                operator.describe(self.input)
            ),
        )
    }

    /// The value after a binary operator: a number for numeric fields, a quoted string otherwise.
    fn literal(&mut self, start: usize, rules: &FieldRules) -> Result<Literal, SearchError> {
        let value = self.advance();
        let context = self.text(Span {
            start,
            end: self.previous_operator_end(&value),
        });
        match (&value.kind, rules.numeric) {
            (TokenKind::Number(number), true) => Ok(Literal::Number(*number)),
            (TokenKind::SingleQuoted(text) | TokenKind::DoubleQuoted(text), true)
                if rules.quoted_numbers && text.trim().parse::<f64>().is_ok() =>
            {
                Ok(Literal::Number(
                    text.trim().parse::<f64>().unwrap_or_default(),
                ))
            }
            (TokenKind::SingleQuoted(text) | TokenKind::DoubleQuoted(text), false) => {
                Ok(Literal::Text(text.clone()))
            }
            (_, true) => Err(SearchError::new(
                value.span.start,
                format!(
                    "expected a number after '{context}', found {} ({})",
                    value.describe(self.input),
                    rules.nature
                ),
            )),
            (kind, false) => {
                let hint = match kind {
                    TokenKind::Name(parts) if parts.iter().any(|part| part.quoted) => {
                        "; backticks quote names, values take single quotes".to_owned()
                    }
                    TokenKind::Name(_) | TokenKind::Keyword(_) | TokenKind::Number(_) => {
                        format!("; write it as '{}'", self.text(value.span))
                    }
                    _ => String::new(),
                };
                Err(SearchError::new(
                    value.span.start,
                    format!(
                        "expected a quoted string after '{context}', found {} ({}{hint})",
                        value.describe(self.input),
                        rules.nature
                    ),
                ))
            }
        }
    }

    /// The end of the token before `value`: the operator the value belongs to.
    fn previous_operator_end(&self, value: &Token) -> usize {
        self.index
            .checked_sub(2)
            .and_then(|operator| self.tokens.get(operator))
            .map_or(value.span.start, |operator| operator.span.end)
    }

    /// `( 'a', 'b' )` after IN or NOT IN.
    fn list(&mut self, start: usize) -> Result<Vec<String>, SearchError> {
        let open = self.advance();
        let context_end = self.previous_operator_end(&open);
        if open.kind != TokenKind::LeftParen {
            return Err(SearchError::new(
                open.span.start,
                format!(
                    "expected '(' after '{}', found {}",
                    self.text(Span {
                        start,
                        end: context_end
                    }),
                    open.describe(self.input)
                ),
            ));
        }
        let mut values = Vec::new();
        loop {
            let item = self.advance();
            match item.kind {
                TokenKind::SingleQuoted(text) | TokenKind::DoubleQuoted(text) => values.push(text),
                _ => {
                    let what = if values.is_empty() {
                        "at least one quoted string"
                    } else {
                        "a quoted string"
                    };
                    return Err(SearchError::new(
                        item.span.start,
                        format!(
                            "expected {what} in the list, found {}",
                            item.describe(self.input)
                        ),
                    ));
                }
            }
            let separator = self.advance();
            match separator.kind {
                TokenKind::Comma => {}
                TokenKind::RightParen => return Ok(values),
                _ => {
                    return Err(SearchError::new(
                        separator.span.start,
                        format!(
                            "expected ',' or ')' in the list, found {}",
                            separator.describe(self.input)
                        ),
                    ));
                }
            }
        }
    }

    /// `NULL` or `NOT NULL` after IS.
    fn null_test(&mut self, start: usize) -> Result<Predicate, SearchError> {
        let mut next = self.advance();
        let negated = next.kind == TokenKind::Keyword(Keyword::Not);
        if negated {
            next = self.advance();
        }
        if next.kind == TokenKind::Keyword(Keyword::Null) {
            return Ok(if negated {
                Predicate::IsNotNull
            } else {
                Predicate::IsNull
            });
        }
        let context = self.text(Span {
            start,
            end: self.previous_operator_end(&next),
        });
        Err(SearchError::new(
            next.span.start,
            format!(
                "expected {} after '{context}', found {}",
                if negated { "NULL" } else { "NULL or NOT NULL" },
                next.describe(self.input)
            ),
        ))
    }
}

/// One child stays itself; several become `make(children)`, with children of the same kind
/// spliced in (`a AND (b AND c)` is `And[a, b, c]`).
fn combine<F>(
    mut children: Vec<Filter<F>>,
    make: fn(Vec<Filter<F>>) -> Filter<F>,
    same_kind: fn(&Filter<F>) -> bool,
) -> Filter<F> {
    if children.len() == 1
        && let Some(only) = children.pop()
    {
        return only;
    }
    let mut flat = Vec::with_capacity(children.len());
    for child in children {
        let splice = same_kind(&child);
        match child {
            Filter::And(grandchildren) | Filter::Or(grandchildren) if splice => {
                flat.extend(grandchildren);
            }
            other => flat.push(other),
        }
    }
    make(flat)
}
