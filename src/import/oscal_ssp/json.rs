//! A JSON value together with the path that led to it, so that every problem found in an OSCAL
//! file names its place (`$.system-security-plan.….satisfied[1]`) and what was expected there.

use serde_json::Value;

use crate::import::Problem;

/// A value inside one file, with its JSON path from the root (`$`).
#[derive(Debug, Clone)]
pub(super) struct Node<'a> {
    file: &'a str,
    path: String,
    value: &'a Value,
}

impl<'a> Node<'a> {
    /// The root of a file's document.
    pub(super) fn root(file: &'a str, value: &'a Value) -> Node<'a> {
        Node {
            file,
            path: "$".into(),
            value,
        }
    }

    /// The JSON path of this value.
    pub(super) fn path(&self) -> &str {
        &self.path
    }

    /// The value itself.
    pub(super) fn value(&self) -> &'a Value {
        self.value
    }

    /// A problem at this value.
    pub(super) fn problem(&self, message: impl Into<String>) -> Problem {
        Problem {
            file: self.file.to_owned(),
            at: self.path.clone(),
            message: message.into(),
        }
    }

    /// The member `key`, if present; this value must be an object.
    pub(super) fn get(&self, key: &str) -> Result<Option<Node<'a>>, Problem> {
        let Value::Object(map) = self.value else {
            return Err(self.problem(format!("expected an object, found {}", kind(self.value))));
        };
        Ok(map.get(key).map(|value| Node {
            file: self.file,
            path: format!("{}.{key}", self.path),
            value,
        }))
    }

    /// The member `key`, which must be present.
    fn required(&self, key: &str, expected: &str) -> Result<Node<'a>, Problem> {
        self.get(key)?
            .ok_or_else(|| self.problem(format!("missing `{key}`: expected {expected}")))
    }

    /// The object `key`, which must be present.
    pub(super) fn object(&self, key: &str) -> Result<Node<'a>, Problem> {
        let node = self.required(key, "an object")?;
        node.expect_object()?;
        Ok(node)
    }

    /// The object `key`, if present.
    pub(super) fn opt_object(&self, key: &str) -> Result<Option<Node<'a>>, Problem> {
        let Some(node) = self.get(key)? else {
            return Ok(None);
        };
        node.expect_object()?;
        Ok(Some(node))
    }

    fn expect_object(&self) -> Result<(), Problem> {
        match self.value {
            Value::Object(_) => Ok(()),
            other => Err(self.problem(format!("expected an object, found {}", kind(other)))),
        }
    }

    /// The items of the array `key`; an absent array has none.
    pub(super) fn items(&self, key: &str) -> Result<Vec<Node<'a>>, Problem> {
        let Some(node) = self.get(key)? else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = node.value else {
            return Err(node.problem(format!("expected an array, found {}", kind(node.value))));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| Node {
                file: self.file,
                path: format!("{}[{i}]", node.path),
                value,
            })
            .collect())
    }

    /// The items of the array `key`, which must be present and hold at least one item.
    pub(super) fn nonempty_items(
        &self,
        key: &str,
        expected: &str,
    ) -> Result<Vec<Node<'a>>, Problem> {
        let node = self.required(key, expected)?;
        let items = self.items(key)?;
        if items.is_empty() {
            return Err(node.problem(format!("expected {expected}, found an empty array")));
        }
        Ok(items)
    }

    /// The string `key`, which must be present.
    pub(super) fn string(&self, key: &str) -> Result<&'a str, Problem> {
        let node = self.required(key, "a string")?;
        node.as_str()
    }

    /// The string `key`, if present.
    pub(super) fn opt_string(&self, key: &str) -> Result<Option<&'a str>, Problem> {
        self.get(key)?.map(|node| node.as_str()).transpose()
    }

    fn as_str(&self) -> Result<&'a str, Problem> {
        match self.value {
            Value::String(s) => Ok(s),
            other => Err(self.problem(format!("expected a string, found {}", kind(other)))),
        }
    }
}

/// What kind of JSON value this is, as a message names it.
fn kind(value: &Value) -> &'static str {
    match value {
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
    use serde_json::json;

    fn at(p: &Problem) -> (&str, &str) {
        (p.at.as_str(), p.message.as_str())
    }

    #[test]
    fn problems_name_the_path_and_what_was_expected() {
        let doc = json!({"a": {"list": [{"s": "x"}, {"s": 3}, 7], "n": 1}});
        let root = Node::root("f.json", &doc);
        let a = root.object("a").expect("a is an object");
        let list = a.items("list").expect("list is an array");
        assert_eq!(list[0].string("s").expect("a string"), "x");
        let cases: Vec<(Problem, (&str, &str))> = vec![
            (
                list[1].string("s").expect_err("a number"),
                ("$.a.list[1].s", "expected a string, found a number"),
            ),
            (
                list[2].string("s").expect_err("not an object"),
                ("$.a.list[2]", "expected an object, found a number"),
            ),
            (
                a.string("missing").expect_err("missing"),
                ("$.a", "missing `missing`: expected a string"),
            ),
            (
                a.items("n").expect_err("not an array"),
                ("$.a.n", "expected an array, found a number"),
            ),
            (
                a.object("n").expect_err("not an object"),
                ("$.a.n", "expected an object, found a number"),
            ),
            (
                root.nonempty_items("none", "ids").expect_err("missing"),
                ("$", "missing `none`: expected ids"),
            ),
        ];
        for (problem, want) in &cases {
            assert_eq!(at(problem), *want);
            assert_eq!(problem.file, "f.json");
        }
    }

    #[test]
    fn absent_optional_members_are_empty() {
        let doc = json!({"empty": []});
        let root = Node::root("f.json", &doc);
        assert!(root.items("absent").expect("absent is fine").is_empty());
        assert!(root.opt_object("absent").expect("absent is fine").is_none());
        assert_eq!(root.opt_string("absent").expect("absent is fine"), None);
        let err = root.nonempty_items("empty", "ids").expect_err("empty");
        assert_eq!(at(&err), ("$.empty", "expected ids, found an empty array"));
    }
}
