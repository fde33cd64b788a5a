//! The parse tree of the generated recognizer: a flat, pre-ordered list of rule matches, read
//! through `Node`s with the accessors of pest's `Pair` that lowering uses.

use super::parser::Rule;

/// One matched rule: its span of the input and the index just past its descendants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub rule: Rule,
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

impl Tok {
    pub(super) fn open(rule: Rule, start: usize) -> Self {
        Tok {
            rule,
            start,
            end: start,
            next: 0,
        }
    }

    pub(super) fn close(&mut self, end: usize, next: usize) {
        self.end = end;
        self.next = next;
    }
}

/// The rules matched in `text`, outermost first.
pub(crate) struct Tree<'i> {
    text: &'i str,
    toks: &'i [Tok],
}

impl<'i> Tree<'i> {
    pub(super) fn new(text: &'i str, toks: &'i [Tok]) -> Self {
        Tree { text, toks }
    }

    /// The outermost matches (usually one: the rule that was run).
    pub fn top(&self) -> Children<'_> {
        Children {
            tree: self,
            index: 0,
            end: self.toks.len(),
        }
    }
}

/// A matched rule and, through `into_inner`, the rules matched inside it. Nodes point at
/// their tree rather than hold its text and tokens: they are copied at every step of
/// lowering, so they are kept to three words (the token itself, found once).
#[derive(Clone, Copy)]
pub(crate) struct Node<'t> {
    tree: &'t Tree<'t>,
    tok: &'t Tok,
    index: usize,
}

/// Start and end offsets of a node in the text that was parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NodeSpan {
    start: usize,
    end: usize,
}

impl NodeSpan {
    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }
}

impl<'t> Node<'t> {
    fn tok(&self) -> &'t Tok {
        self.tok
    }

    pub fn as_rule(&self) -> Rule {
        self.tok().rule
    }

    pub fn as_str(&self) -> &'t str {
        let tok = self.tok();
        self.tree.text.get(tok.start..tok.end).unwrap_or("")
    }

    /// The bytes of `as_str`, without its checks that the ends are character boundaries
    /// (they always are): for comparing with ASCII words and reading ASCII numbers.
    pub fn as_bytes(&self) -> &'t [u8] {
        let tok = self.tok();
        self.tree
            .text
            .as_bytes()
            .get(tok.start..tok.end)
            .unwrap_or(&[])
    }

    pub fn as_span(&self) -> NodeSpan {
        let tok = self.tok();
        NodeSpan {
            start: tok.start,
            end: tok.end,
        }
    }

    pub fn into_inner(self) -> Children<'t> {
        let tok = self.tok();
        Children {
            tree: self.tree,
            index: self.index + 1,
            end: tok.next,
        }
    }
}

/// The nodes directly inside a node, in order.
#[derive(Clone)]
pub(crate) struct Children<'t> {
    tree: &'t Tree<'t>,
    index: usize,
    end: usize,
}

impl<'t> Children<'t> {
    /// The next node if `wanted` says so, else `None` without moving (`Peekable::next_if`
    /// without keeping a peeked node).
    pub fn next_if(&mut self, wanted: impl FnOnce(&Node<'t>) -> bool) -> Option<Node<'t>> {
        let mut ahead = self.clone();
        let node = ahead.next().filter(wanted)?;
        *self = ahead;
        Some(node)
    }

    /// Passes over the next node.
    pub fn skipping_one(mut self) -> Self {
        self.next();
        self
    }
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        let tok = self
            .tree
            .toks
            .get(self.index)
            .filter(|_| self.index < self.end)?;
        let node = Node {
            tree: self.tree,
            tok,
            index: self.index,
        };
        // `next` of a closed token is always past it; the `max` keeps a malformed list from
        // looping.
        self.index = tok.next.max(self.index + 1);
        Some(node)
    }
}
