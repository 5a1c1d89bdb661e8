//! GraphQL's query language, the executable part: operations with variables, fields with
//! aliases, arguments and directives, fragments and inline fragments, and literal values. Nesting
//! is bounded so that no query can exhaust the stack.

use std::collections::HashMap;

/// Deepest nesting of selection sets, lists and objects the parser follows.
const MAX_NESTING: usize = 64;

/// A parsed document: its operations and named fragments.
#[derive(Debug, Default)]
pub struct Document {
    pub operations: Vec<Operation>,
    pub fragments: HashMap<String, Fragment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

#[derive(Debug)]
pub struct Operation {
    pub kind: OperationKind,
    pub name: Option<String>,
    /// Variable names with their default values.
    pub variables: Vec<(String, Option<Value>)>,
    pub selection: Vec<Selection>,
}

#[derive(Debug)]
pub struct Fragment {
    pub type_condition: String,
    pub selection: Vec<Selection>,
}

#[derive(Debug)]
pub enum Selection {
    Field(Field),
    Spread {
        name: String,
        directives: Vec<Directive>,
    },
    Inline {
        type_condition: Option<String>,
        directives: Vec<Directive>,
        selection: Vec<Selection>,
    },
}

#[derive(Debug)]
pub struct Field {
    pub alias: Option<String>,
    pub name: String,
    pub arguments: Vec<(String, Value)>,
    pub directives: Vec<Directive>,
    pub selection: Vec<Selection>,
}

impl Field {
    /// The key the field's value has in the answer.
    pub fn response_key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug)]
pub struct Directive {
    pub name: String,
    pub arguments: Vec<(String, Value)>,
}

/// A literal or a variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Variable(String),
    Int(i64),
    Float(f64),
    String(String),
    Boolean(bool),
    Null,
    Enum(String),
    List(Vec<Value>),
    Object(Vec<(String, Value)>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Punctuator(char),
    Spread,
    Name(String),
    Int(String),
    Float(String),
    String(String),
}

/// Parses a document; the error reads as graphql-core's, `Syntax Error: ...`.
pub fn parse(source: &str) -> Result<Document, String> {
    let tokens = lex(source).map_err(|error| format!("Syntax Error: {error}"))?;
    let mut parser = Parser {
        tokens,
        position: 0,
        nesting: 0,
    };
    parser
        .document()
        .map_err(|error| format!("Syntax Error: {error}"))
}

fn lex(source: &str) -> Result<Vec<Token>, String> {
    let characters: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while let Some(&character) = characters.get(index) {
        match character {
            '\u{feff}' | ' ' | '\t' | '\n' | '\r' | ',' => index += 1,
            '#' => {
                while characters
                    .get(index)
                    .is_some_and(|&c| c != '\n' && c != '\r')
                {
                    index += 1;
                }
            }
            '!' | '$' | '&' | '(' | ')' | ':' | '=' | '@' | '[' | ']' | '{' | '|' | '}' => {
                tokens.push(Token::Punctuator(character));
                index += 1;
            }
            '.' => {
                if characters.get(index..index + 3) == Some(&['.', '.', '.']) {
                    tokens.push(Token::Spread);
                    index += 3;
                } else {
                    return Err("Unexpected character: '.'.".into());
                }
            }
            '"' => {
                let (text, next) = if characters.get(index..index + 3) == Some(&['"', '"', '"']) {
                    block_string(&characters, index + 3)?
                } else {
                    string(&characters, index + 1)?
                };
                tokens.push(Token::String(text));
                index = next;
            }
            c if c == '_' || c.is_ascii_alphabetic() => {
                let start = index;
                while characters
                    .get(index)
                    .is_some_and(|&c| c == '_' || c.is_ascii_alphanumeric())
                {
                    index += 1;
                }
                tokens.push(Token::Name(characters[start..index].iter().collect()));
            }
            c if c == '-' || c.is_ascii_digit() => {
                let start = index;
                index += 1;
                let mut float = false;
                while let Some(&c) = characters.get(index) {
                    match c {
                        '0'..='9' => {}
                        '.' | 'e' | 'E' => float = true,
                        '+' | '-' if matches!(characters.get(index - 1), Some('e' | 'E')) => {}
                        _ => break,
                    }
                    index += 1;
                }
                let text: String = characters[start..index].iter().collect();
                tokens.push(if float {
                    Token::Float(text)
                } else {
                    Token::Int(text)
                });
            }
            other => return Err(format!("Unexpected character: {other:?}.")),
        }
    }
    Ok(tokens)
}

/// A `"..."` string from after its opening quote; returns the text and the index after it.
fn string(characters: &[char], mut index: usize) -> Result<(String, usize), String> {
    let mut text = String::new();
    loop {
        match characters.get(index) {
            None | Some('\n' | '\r') => return Err("Unterminated string.".into()),
            Some('"') => return Ok((text, index + 1)),
            Some('\\') => {
                let escaped = characters.get(index + 1).copied();
                index += 2;
                match escaped {
                    Some('"') => text.push('"'),
                    Some('\\') => text.push('\\'),
                    Some('/') => text.push('/'),
                    Some('b') => text.push('\u{8}'),
                    Some('f') => text.push('\u{c}'),
                    Some('n') => text.push('\n'),
                    Some('r') => text.push('\r'),
                    Some('t') => text.push('\t'),
                    Some('u') => {
                        let hex: String = characters
                            .get(index..index + 4)
                            .ok_or("Invalid Unicode escape sequence.")?
                            .iter()
                            .collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .map_err(|_| "Invalid Unicode escape sequence.")?;
                        text.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        index += 4;
                    }
                    _ => return Err("Invalid character escape sequence.".into()),
                }
            }
            Some(&c) => {
                text.push(c);
                index += 1;
            }
        }
    }
}

/// A `"""..."""` block string from after its opening quotes, with the common indentation and
/// blank first and last lines removed as the spec says.
fn block_string(characters: &[char], mut index: usize) -> Result<(String, usize), String> {
    let mut raw = String::new();
    loop {
        if characters.get(index..index + 3) == Some(&['"', '"', '"']) {
            break;
        }
        if characters.get(index..index + 4) == Some(&['\\', '"', '"', '"']) {
            raw.push_str("\"\"\"");
            index += 4;
            continue;
        }
        match characters.get(index) {
            None => return Err("Unterminated string.".into()),
            Some(&c) => raw.push(c),
        }
        index += 1;
    }
    let lines: Vec<&str> = raw.lines().collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut kept: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(number, line)| {
            if number == 0 {
                (*line).to_string()
            } else {
                line.get(indent..).unwrap_or("").to_string()
            }
        })
        .collect();
    while kept.first().is_some_and(|line| line.trim().is_empty()) {
        kept.remove(0);
    }
    while kept.last().is_some_and(|line| line.trim().is_empty()) {
        kept.pop();
    }
    Ok((kept.join("\n"), index + 3))
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
    nesting: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Result<Token, String> {
        let token = self
            .tokens
            .get(self.position)
            .cloned()
            .ok_or_else(|| "Unexpected <EOF>.".to_string())?;
        self.position += 1;
        Ok(token)
    }

    fn at(&self, punctuator: char) -> bool {
        self.peek() == Some(&Token::Punctuator(punctuator))
    }

    fn eat(&mut self, punctuator: char) -> bool {
        let found = self.at(punctuator);
        if found {
            self.position += 1;
        }
        found
    }

    fn expect(&mut self, punctuator: char) -> Result<(), String> {
        match self.next()? {
            Token::Punctuator(found) if found == punctuator => Ok(()),
            other => Err(format!(
                "Expected \"{punctuator}\", found {}.",
                describe(&other)
            )),
        }
    }

    fn name(&mut self) -> Result<String, String> {
        match self.next()? {
            Token::Name(name) => Ok(name),
            other => Err(format!("Expected Name, found {}.", describe(&other))),
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(format!("the query nests deeper than {MAX_NESTING} levels."));
        }
        Ok(())
    }

    fn document(&mut self) -> Result<Document, String> {
        let mut document = Document::default();
        if self.peek().is_none() {
            return Err("Unexpected <EOF>.".into());
        }
        while let Some(token) = self.peek() {
            match token {
                Token::Punctuator('{') => {
                    let selection = self.selection_set()?;
                    document.operations.push(Operation {
                        kind: OperationKind::Query,
                        name: None,
                        variables: Vec::new(),
                        selection,
                    });
                }
                Token::Name(keyword) if keyword == "fragment" => {
                    self.position += 1;
                    let name = self.name()?;
                    if self.name()? != "on" {
                        return Err("Expected \"on\".".into());
                    }
                    let type_condition = self.name()?;
                    self.directives()?;
                    let selection = self.selection_set()?;
                    document.fragments.insert(
                        name,
                        Fragment {
                            type_condition,
                            selection,
                        },
                    );
                }
                Token::Name(keyword) => {
                    let kind = match keyword.as_str() {
                        "query" => OperationKind::Query,
                        "mutation" => OperationKind::Mutation,
                        "subscription" => OperationKind::Subscription,
                        other => return Err(format!("Unexpected Name \"{other}\".")),
                    };
                    self.position += 1;
                    let name = match self.peek() {
                        Some(Token::Name(_)) => Some(self.name()?),
                        _ => None,
                    };
                    let variables = self.variable_definitions()?;
                    self.directives()?;
                    let selection = self.selection_set()?;
                    document.operations.push(Operation {
                        kind,
                        name,
                        variables,
                        selection,
                    });
                }
                other => return Err(format!("Unexpected {}.", describe(other))),
            }
        }
        Ok(document)
    }

    fn variable_definitions(&mut self) -> Result<Vec<(String, Option<Value>)>, String> {
        let mut variables = Vec::new();
        if !self.eat('(') {
            return Ok(variables);
        }
        while !self.eat(')') {
            self.expect('$')?;
            let name = self.name()?;
            self.expect(':')?;
            self.type_reference()?;
            let default = if self.eat('=') {
                Some(self.value(true)?)
            } else {
                None
            };
            self.directives()?;
            variables.push((name, default));
        }
        Ok(variables)
    }

    /// A type such as `[String!]!`; only its shape is checked.
    fn type_reference(&mut self) -> Result<(), String> {
        if self.eat('[') {
            self.enter()?;
            self.type_reference()?;
            self.expect(']')?;
            self.nesting -= 1;
        } else {
            self.name()?;
        }
        self.eat('!');
        Ok(())
    }

    fn directives(&mut self) -> Result<Vec<Directive>, String> {
        let mut directives = Vec::new();
        while self.eat('@') {
            let name = self.name()?;
            let arguments = self.arguments(false)?;
            directives.push(Directive { name, arguments });
        }
        Ok(directives)
    }

    fn arguments(&mut self, constant: bool) -> Result<Vec<(String, Value)>, String> {
        let mut arguments = Vec::new();
        if !self.eat('(') {
            return Ok(arguments);
        }
        while !self.eat(')') {
            let name = self.name()?;
            self.expect(':')?;
            arguments.push((name, self.value(constant)?));
        }
        Ok(arguments)
    }

    fn selection_set(&mut self) -> Result<Vec<Selection>, String> {
        self.expect('{')?;
        self.enter()?;
        let mut selection = Vec::new();
        while !self.eat('}') {
            if self.peek() == Some(&Token::Spread) {
                self.position += 1;
                match self.peek() {
                    Some(Token::Name(name)) if name != "on" => {
                        let name = self.name()?;
                        let directives = self.directives()?;
                        selection.push(Selection::Spread { name, directives });
                    }
                    _ => {
                        let type_condition = match self.peek() {
                            Some(Token::Name(_)) => {
                                self.position += 1;
                                Some(self.name()?)
                            }
                            _ => None,
                        };
                        let directives = self.directives()?;
                        let inner = self.selection_set()?;
                        selection.push(Selection::Inline {
                            type_condition,
                            directives,
                            selection: inner,
                        });
                    }
                }
                continue;
            }
            let first = self.name()?;
            let (alias, name) = if self.eat(':') {
                (Some(first), self.name()?)
            } else {
                (None, first)
            };
            let arguments = self.arguments(false)?;
            let directives = self.directives()?;
            let inner = if self.at('{') {
                self.selection_set()?
            } else {
                Vec::new()
            };
            selection.push(Selection::Field(Field {
                alias,
                name,
                arguments,
                directives,
                selection: inner,
            }));
        }
        self.nesting -= 1;
        if selection.is_empty() {
            return Err("Expected Name, found \"}\".".into());
        }
        Ok(selection)
    }

    fn value(&mut self, constant: bool) -> Result<Value, String> {
        match self.next()? {
            Token::Punctuator('$') if !constant => Ok(Value::Variable(self.name()?)),
            Token::Int(text) => text
                .parse()
                .map(Value::Int)
                .map_err(|_| format!("Invalid number {text}.")),
            Token::Float(text) => text
                .parse()
                .map(Value::Float)
                .map_err(|_| format!("Invalid number {text}.")),
            Token::String(text) => Ok(Value::String(text)),
            Token::Name(name) => Ok(match name.as_str() {
                "true" => Value::Boolean(true),
                "false" => Value::Boolean(false),
                "null" => Value::Null,
                _ => Value::Enum(name),
            }),
            Token::Punctuator('[') => {
                self.enter()?;
                let mut items = Vec::new();
                while !self.eat(']') {
                    items.push(self.value(constant)?);
                }
                self.nesting -= 1;
                Ok(Value::List(items))
            }
            Token::Punctuator('{') => {
                self.enter()?;
                let mut fields = Vec::new();
                while !self.eat('}') {
                    let name = self.name()?;
                    self.expect(':')?;
                    fields.push((name, self.value(constant)?));
                }
                self.nesting -= 1;
                Ok(Value::Object(fields))
            }
            other => Err(format!("Unexpected {}.", describe(&other))),
        }
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Punctuator(c) => format!("\"{c}\""),
        Token::Spread => "\"...\"".into(),
        Token::Name(name) => format!("Name \"{name}\""),
        Token::Int(text) | Token::Float(text) => format!("Number \"{text}\""),
        Token::String(text) => format!("String \"{text}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::{Selection, Value, parse};

    #[test]
    fn operations_variables_aliases_fragments_and_directives_are_read() {
        let document = parse(
            r#"
            # a comment
            query GetRun($data: MlflowGetRunInput!, $n: Int = 3) @component(name: "x") {
              first: mlflowGetRun(input: $data) { run { ...Info ... on MlflowRunExtension { data { params { key } } } } }
              test(inputString: "a\"b\u00e9", list: [1, 2.5, true, null, ACTIVE_ONLY, {k: "v"}])
            }
            fragment Info on MlflowRunExtension { info { runId } }
            "#,
        )
        .unwrap();
        let operation = &document.operations[0];
        assert_eq!(operation.name.as_deref(), Some("GetRun"));
        assert_eq!(operation.variables[1], ("n".into(), Some(Value::Int(3))));
        let Selection::Field(first) = &operation.selection[0] else {
            panic!("a field");
        };
        assert_eq!(
            (first.response_key(), first.name.as_str()),
            ("first", "mlflowGetRun")
        );
        let Selection::Field(test) = &operation.selection[1] else {
            panic!("a field");
        };
        assert_eq!(test.arguments[0].1, Value::String("a\"bé".into()));
        assert!(matches!(&test.arguments[1].1, Value::List(items) if items.len() == 6));
        assert!(document.fragments.contains_key("Info"));
    }

    #[test]
    fn malformed_and_overly_nested_queries_are_syntax_errors() {
        for source in [
            "",
            "{",
            "query { a(b: ) }",
            "{ a(b: \"open) }",
            "{ a }}",
            "{ a @ }",
        ] {
            let error = parse(source).unwrap_err();
            assert!(error.starts_with("Syntax Error: "), "{source}: {error}");
        }
        let deep = format!(
            "{{ a(b: {}1{}) }}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(parse(&deep).unwrap_err().contains("deeper than"));
        let deep = format!("{}{}", "{ a ".repeat(100_000), "}".repeat(100_000));
        assert!(parse(&deep).unwrap_err().contains("deeper than"));
    }
}
