//! JSON lines (one object per line) and JSON arrays of objects. Keys become columns in the
//! order they first appear; nested values are kept as their JSON text.

use serde_json::Value;

use super::cell::Cell;
use super::grid::CellGrid;
use crate::error::IngestError;

enum JsonCell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
}

pub struct JsonGrid {
    pub names: Vec<String>,
    rows: Vec<Vec<JsonCell>>,
    lines: Vec<u64>,
}

impl CellGrid for JsonGrid {
    fn rows(&self) -> usize {
        self.rows.len()
    }

    fn columns(&self) -> usize {
        self.names.len()
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        match self.rows[row].get(column) {
            None | Some(JsonCell::Empty) => Cell::Empty,
            Some(JsonCell::Text(s)) => Cell::Text(s.as_bytes()),
            Some(JsonCell::Number(v)) => Cell::Number(*v),
            Some(JsonCell::Bool(b)) => Cell::Bool(*b),
        }
    }

    fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }
}

fn cell_of(v: Value) -> JsonCell {
    match v {
        Value::Null => JsonCell::Empty,
        Value::Bool(b) => JsonCell::Bool(b),
        Value::Number(n) => n.as_f64().map_or(JsonCell::Empty, JsonCell::Number),
        Value::String(s) => JsonCell::Text(s),
        other => JsonCell::Text(other.to_string()),
    }
}

/// Parses JSON lines or a JSON array of objects.
pub fn parse(file: &str, bytes: &[u8]) -> Result<JsonGrid, IngestError> {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    let err = |line: usize, column: usize, message: String| IngestError::BadJson {
        file: file.to_string(),
        line: line as u64,
        column,
        message,
    };
    let mut objects: Vec<(u64, serde_json::Map<String, Value>)> = Vec::new();
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let values: Vec<Value> =
            serde_json::from_slice(body).map_err(|e| err(e.line(), e.column(), e.to_string()))?;
        for (i, v) in values.into_iter().enumerate() {
            match v {
                Value::Object(map) => objects.push((i as u64 + 1, map)),
                other => {
                    return Err(err(
                        0,
                        0,
                        format!(
                            "element {} is {} where an object was expected",
                            i + 1,
                            kind(&other)
                        ),
                    ));
                }
            }
        }
    } else {
        let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
        let mut line = 1u64;
        let mut last = 0usize;
        loop {
            let start = stream.byte_offset();
            let next = stream.next();
            // Line of the value: newlines before its first non-blank byte.
            let skip = body[start..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            line += memchr::memchr_iter(b'\n', &body[last..start + skip]).count() as u64;
            last = start + skip;
            match next {
                None => break,
                Some(Ok(Value::Object(map))) => objects.push((line, map)),
                Some(Ok(other)) => {
                    return Err(err(
                        line as usize,
                        1,
                        format!("{} where an object was expected", kind(&other)),
                    ));
                }
                Some(Err(e)) => return Err(err(e.line(), e.column(), e.to_string())),
            }
        }
    }
    if objects.is_empty() {
        return Err(IngestError::Empty {
            file: file.to_string(),
        });
    }
    let mut names: Vec<String> = Vec::new();
    let mut index: hashbrown::HashMap<String, usize> = hashbrown::HashMap::new();
    for (_, map) in &objects {
        for k in map.keys() {
            if !index.contains_key(k) {
                index.insert(k.clone(), names.len());
                names.push(k.clone());
            }
        }
    }
    let mut rows = Vec::with_capacity(objects.len());
    let mut lines = Vec::with_capacity(objects.len());
    for (line, map) in objects {
        let mut row: Vec<JsonCell> = (0..names.len()).map(|_| JsonCell::Empty).collect();
        for (k, v) in map {
            if let Some(&i) = index.get(&k) {
                row[i] = cell_of(v);
            }
        }
        rows.push(row);
        lines.push(line);
    }
    Ok(JsonGrid { names, rows, lines })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_arrays() {
        let g = parse(
            "a.jsonl",
            b"{\"id\":\"A\",\"amount\":12.5}\n\n{\"id\":\"B\",\"extra\":true}\n",
        )
        .unwrap();
        assert_eq!(g.names, vec!["id", "amount", "extra"]);
        assert_eq!(g.rows(), 2);
        assert_eq!(g.line(1), 3);
        assert_eq!(g.cell(0, 1), Cell::Number(12.5));
        assert_eq!(g.cell(1, 1), Cell::Empty);
        assert_eq!(g.cell(1, 2), Cell::Bool(true));
        let g = parse("a.json", b"[{\"x\":1},{\"x\":\"2024-01-01\"}]").unwrap();
        assert_eq!(g.cell(1, 0), Cell::Text(b"2024-01-01"));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("b.jsonl", b"{\"a\":1}\n{\"a\":}\n").err().unwrap();
        assert!(matches!(e, IngestError::BadJson { line: 2, .. }), "{e}");
        let e = parse("c.jsonl", b"{\"a\":1}\n[1,2]\n").err().unwrap();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
