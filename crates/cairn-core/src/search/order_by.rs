//! Parses order_by entries (`metrics.acc DESC`, ``metrics.`Mean Square Error` ``,
//! `attributes.start_time`) into [`OrderBy`] values.

use std::collections::HashMap;

use super::ast::{Field, OrderBy, Span};
use super::error::SearchError;
use super::fields::{is_field_token, resolve_field};
use super::lexer::{Keyword, TokenKind, tokenize};

/// Parses one order_by entry: a field, then optionally `ASC` or `DESC` (any case; ascending when
/// absent). Datasets cannot be ordered by, as in MLflow.
pub fn parse_order_by(input: &str) -> Result<OrderBy, SearchError> {
    let tokens = tokenize(input)?;
    let mut tokens = tokens.iter();
    let end_of_input = super::lexer::Token {
        kind: TokenKind::End,
        span: Span {
            start: input.len(),
            end: input.len(),
        },
    };
    let mut next = || tokens.next().unwrap_or(&end_of_input);

    let field_token = next();
    if !is_field_token(field_token) {
        return Err(SearchError::new(
            field_token.span.start,
            format!(
                "expected a field to order by, such as metrics.acc DESC, found {}",
                field_token.describe(input)
            ),
        ));
    }
    let field = resolve_field(field_token, input)?;
    let written = input
        .get(field_token.span.start..field_token.span.end)
        .unwrap_or_default();
    if matches!(field, Field::Dataset(_)) {
        return Err(SearchError::new(
            field_token.span.start,
            format!(
                "expected a metric, param, tag or attribute to order by, found '{written}' \
                 (runs cannot be ordered by datasets)"
            ),
        ));
    }

    let direction = next();
    let descending = match direction.kind {
        TokenKind::End => {
            return Ok(OrderBy {
                field,
                descending: false,
            });
        }
        TokenKind::Keyword(Keyword::Asc) => false,
        TokenKind::Keyword(Keyword::Desc) => true,
        _ => {
            let hint = if direction.kind == TokenKind::Comma {
                " (each order_by entry takes one field)"
            } else {
                ""
            };
            return Err(SearchError::new(
                direction.span.start,
                format!(
                    "expected ASC, DESC or the end of the order_by after '{written}', found \
                     {}{hint}",
                    direction.describe(input)
                ),
            ));
        }
    };
    let rest = next();
    if rest.kind != TokenKind::End {
        return Err(SearchError::new(
            rest.span.start,
            format!(
                "expected the end of the order_by after '{}', found {}",
                input
                    .get(field_token.span.start..direction.span.end)
                    .unwrap_or_default(),
                rest.describe(input)
            ),
        ));
    }
    Ok(OrderBy { field, descending })
}

/// Parses a whole order_by list, refusing a field that appears twice (as MLflow's SQL store does).
/// Error messages start with the entry's index, e.g. `order_by[1]: expected ASC, DESC...`; the
/// position is within that entry.
pub fn parse_order_by_list<S: AsRef<str>>(entries: &[S]) -> Result<Vec<OrderBy>, SearchError> {
    let mut first_index_of_field: HashMap<Field, usize> = HashMap::new();
    let mut order = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let parsed = parse_order_by(entry.as_ref()).map_err(|error| {
            SearchError::new(
                error.position,
                format!("order_by[{index}]: {}", error.message),
            )
        })?;
        if let Some(first) = first_index_of_field.insert(parsed.field.clone(), index) {
            return Err(SearchError::new(
                0,
                format!(
                    "order_by[{index}]: expected each field once, found '{}' again (first in \
                     order_by[{first}])",
                    entry.as_ref().trim()
                ),
            ));
        }
        order.push(parsed);
    }
    Ok(order)
}
