//! The macro's input: the path to the `yielding` crate that the public `macro_rules!`
//! wrapper passes first (`$crate`, right even when the dependency is renamed or
//! re-exported), an optional type header, and the body.
//!
//! ```text
//! generator_impl!($crate; body...)
//! generator_impl!($crate; Yield => { body... })
//! generator_impl!($crate; Yield, Send => { body... })
//! generator_impl!($crate; Yield, Send -> Return => { body... })
//! ```
//! Any of the types may be `_`, and `-> Return` may follow a lone `Yield` too.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Token, Type};

/// The types written in the header; `None` where the header left them to inference.
#[derive(Default)]
pub(crate) struct Header {
    pub(crate) yielded: Option<Type>,
    pub(crate) sent: Option<Type>,
    pub(crate) returned: Option<Type>,
}

impl Parse for Header {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut header = Header::default();
        if !input.peek(Token![->]) {
            header.yielded = Some(parse_type(input, "yield")?);
            if input.parse::<Option<Token![,]>>()?.is_some() {
                header.sent = Some(parse_type(input, "send")?);
            }
        }
        if input.parse::<Option<Token![->]>>()?.is_some() {
            header.returned = Some(parse_type(input, "return")?);
        }
        if !input.is_empty() {
            return Err(input.error(
                "expected the generator's types as `Yield`, `Yield, Send` or \
                 `Yield, Send -> Return`, then `=> { body }`",
            ));
        }
        Ok(header)
    }
}

/// One of the header's types; syn's list of what could start a type is replaced by what
/// the type is for.
fn parse_type(input: ParseStream<'_>, role: &str) -> syn::Result<Type> {
    if input.is_empty() {
        // Reported at the `=>` by `split`.
        return Err(input.error("unexpected end of input"));
    }
    input.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("expected the generator's {role} type"),
        )
    })
}

/// The user's part of the input: the header and the body.
pub(crate) struct Input {
    pub(crate) header: Header,
    pub(crate) body: TokenStream,
}

/// Splits off the path to the `yielding` crate, which stands before the first `;`.
pub(crate) fn split_crate(input: TokenStream) -> (TokenStream, TokenStream) {
    let mut trees = input.into_iter();
    let mut krate = TokenStream::new();
    for tree in trees.by_ref() {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ';' => break,
            _ => krate.extend([tree]),
        }
    }
    (krate, trees.collect())
}

/// Splits the user's input. The header is present when a `=>` stands at the top level:
/// inside a generator's statements a `=>` only ever appears within a delimited group
/// (match arms).
pub(crate) fn split(input: TokenStream) -> syn::Result<Input> {
    let rest: Vec<TokenTree> = input.into_iter().collect();
    let arrow = rest.windows(2).position(|pair| {
        matches!((&pair[0], &pair[1]), (TokenTree::Punct(a), TokenTree::Punct(b))
            if a.as_char() == '=' && b.as_char() == '>'
                && a.spacing() == proc_macro2::Spacing::Joint)
    });
    let Some(arrow) = arrow else {
        return Ok(Input {
            header: Header::default(),
            body: rest.into_iter().collect(),
        });
    };
    let header_tokens: TokenStream = rest[..arrow].iter().cloned().collect();
    let header: Header = syn::parse2(header_tokens).map_err(|error| {
        // syn reports a header that stops short as "unexpected end of input" spanning the
        // whole call; the place to point at is the `=>` where a type is missing.
        if error.to_string().contains("end of input") {
            syn::Error::new(rest[arrow].span(), "expected a type before `=>`")
        } else {
            error
        }
    })?;
    let body = match &rest[arrow + 2..] {
        [TokenTree::Group(group)] if group.delimiter() == proc_macro2::Delimiter::Brace => {
            group.stream()
        }
        _ => {
            return Err(syn::Error::new_spanned(
                rest[arrow..].iter().cloned().collect::<TokenStream>(),
                "expected the generator's body in braces after `=>`",
            ));
        }
    };
    Ok(Input { header, body })
}
