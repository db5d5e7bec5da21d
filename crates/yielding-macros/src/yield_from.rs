//! `yield from expr`: Python's spelling is not Rust syntax, so before parsing, the tokens
//! `yield from` become `yield |__yielding_from|`, which syn parses as a yield of a closure.
//! A closure's body extends as far as `yield`'s operand does (both take everything to the
//! right), so the closure's body is exactly the delegated expression, whatever operators
//! it contains (`yield from 0..n`, `yield from a.chain(b)`). The rewriter recognises the
//! marker parameter and never lets such a closure reach the compiler.

use proc_macro2::{Group, Ident, Punct, Spacing, TokenStream, TokenTree};

/// The marker closure's parameter name.
pub(crate) const MARKER: &str = "__yielding_from";

/// Marks every `yield from <expr>` in `tokens`, at any depth.
///
/// `from` after `yield` means delegation unless what follows it cannot start an
/// expression (`;`, `,`, a closing delimiter, or nothing), so `yield from;` still yields a
/// variable named `from`. To yield such a variable in any other position, write
/// `yield (from)`.
pub(crate) fn mark(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Group(group) => {
                let mut marked = Group::new(group.delimiter(), mark(group.stream()));
                marked.set_span(group.span());
                out.push(TokenTree::Group(marked));
            }
            TokenTree::Ident(keyword) if keyword == "yield" => {
                out.push(trees[i].clone());
                if let (Some(TokenTree::Ident(from)), Some(next)) =
                    (trees.get(i + 1), trees.get(i + 2))
                {
                    if from == "from" && starts_expression(next) {
                        out.extend(marker(from));
                        i += 1;
                    }
                }
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

fn starts_expression(token: &TokenTree) -> bool {
    !matches!(token, TokenTree::Punct(p) if matches!(p.as_char(), ';' | ','))
}

/// `|__yielding_from|`, spanned at the `from` it replaces so errors point there.
fn marker(from: &Ident) -> [TokenTree; 3] {
    let pipe = || {
        let mut pipe = Punct::new('|', Spacing::Alone);
        pipe.set_span(from.span());
        TokenTree::Punct(pipe)
    };
    [
        pipe(),
        TokenTree::Ident(Ident::new(MARKER, from.span())),
        pipe(),
    ]
}
