//! `for await pat in stream { .. }`, Python's `async for`: not Rust syntax, so before
//! parsing, `for await pat in` becomes `for __yielding_for_await @ (pat) in`, which syn
//! parses as an ordinary `for` loop. The rewriter recognises the marker binding and turns
//! the loop into one over the stream's items, never letting the marker reach the compiler.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use syn::{ExprForLoop, Pat};

/// The marker binding's name.
const MARKER: &str = "__yielding_for_await";

/// Marks every `for await` in `tokens`, at any depth but inside macro calls, whose tokens
/// are the called macro's own (a nested generator macro marks its own).
pub(crate) fn mark(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Group(group) => {
                let macro_call =
                    matches!(out.last(), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                let stream = if macro_call {
                    group.stream()
                } else {
                    mark(group.stream())
                };
                let mut marked = Group::new(group.delimiter(), stream);
                marked.set_span(group.span());
                out.push(TokenTree::Group(marked));
            }
            TokenTree::Ident(keyword) if keyword == "for" => {
                out.push(trees[i].clone());
                let Some(TokenTree::Ident(await_token)) = trees.get(i + 1) else {
                    i += 1;
                    continue;
                };
                let in_token = trees[i + 2..]
                    .iter()
                    .position(|tree| matches!(tree, TokenTree::Ident(word) if word == "in"));
                if let (true, Some(offset)) = (await_token == "await", in_token) {
                    let pattern: TokenStream =
                        trees[i + 2..i + 2 + offset].iter().cloned().collect();
                    out.extend(marker(await_token.span(), pattern));
                    i += 2 + offset;
                    continue;
                }
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// `__yielding_for_await @ (pattern)`, the marker spanned at the `await` it replaces.
fn marker(at: Span, pattern: TokenStream) -> [TokenTree; 3] {
    let mut binding = Punct::new('@', Spacing::Alone);
    binding.set_span(at);
    let mut pattern = Group::new(Delimiter::Parenthesis, pattern);
    pattern.set_span(at);
    [
        TokenTree::Ident(Ident::new(MARKER, at)),
        TokenTree::Punct(binding),
        TokenTree::Group(pattern),
    ]
}

/// If `node` is a marked `for await` loop: unmarks its pattern, and gives the span of its
/// `await`.
pub(crate) fn marked(node: &mut ExprForLoop) -> Option<Span> {
    let Pat::Ident(binding) = &mut *node.pat else {
        return None;
    };
    if binding.ident != MARKER {
        return None;
    }
    let at = binding.ident.span();
    let (_, pattern) = binding.subpat.take()?;
    node.pat = match *pattern {
        Pat::Paren(paren) => paren.pat,
        other => Box::new(other),
    };
    Some(at)
}
