//! The proc macro behind `yielding::generator!`. Use it through the `yielding` crate, which
//! pins this crate to its exact version and passes it its own path.
//!
//! The expansion of
//!
//! ```text
//! generator! { let x = yield 1; yield x + 1; }
//! ```
//!
//! is, with `co` a name no user code can see,
//!
//! ```text
//! yielding::__private::Gen::with_send(move |co: yielding::__private::Co<_, _>| async move {
//!     let x = co.yield_(1).await;
//!     co.yield_(x + 1).await;
//! })
//! ```
//!
//! which is the macro-free API, so the macro costs nothing over it.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::Parser;

mod header;
mod rewrite;
mod yield_from;

#[doc(hidden)]
#[proc_macro]
pub fn generator_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), "Gen").into()
}

#[doc(hidden)]
#[proc_macro]
pub fn async_generator_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), "AsyncGen").into()
}

/// Expands a generator's body into `kind::with_send(...)`, `kind` being `Gen` or
/// `AsyncGen`: the two share the grammar and the rewriting.
fn expand(input: TokenStream, kind: &str) -> TokenStream {
    let kind = Ident::new(kind, Span::call_site());
    let (krate, input) = header::split_crate(input);
    let input = match header::split(input) {
        Ok(input) => input,
        Err(error) => return fallback(&krate, &kind, error.to_compile_error()),
    };
    // The generated closure and async block are located at the user's body, so that
    // diagnostics about them (a `!Send` body, say) point into the user's code.
    let site = input
        .body
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |first| first.span());
    let body = yield_from::mark(input.body);
    let stmts = match syn::Block::parse_within.parse2(body) {
        Ok(stmts) => stmts,
        Err(error) => return fallback(&krate, &kind, error.to_compile_error()),
    };
    let co = Ident::new("__yielding_co", Span::mixed_site());
    let mut rewriter = rewrite::Rewriter::new(co.clone(), krate.clone());
    let body = rewrite::rewrite(stmts, &mut rewriter);
    let errors: TokenStream = rewriter
        .errors
        .iter()
        .map(syn::Error::to_compile_error)
        .collect();

    let header = input.header;
    let yielded = header.yielded.map_or_else(|| quote!(_), |ty| quote!(#ty));
    // A send type nothing names and nothing uses cannot be inferred: make it `()`.
    let sent = match header.sent {
        Some(ty) => quote!(#ty),
        None if rewriter.sent_value_used => quote!(_),
        None => quote!(()),
    };
    // `yield from` picks its delegation by method lookup, which needs these traits in scope.
    let body = quote! {
        #[allow(unused_imports)]
        use #krate::__private::{DelegateToGenerator as _, DelegateToIterable as _, DelegateToStream as _};
        #body
    };
    let body = match header.returned {
        Some(ty) => {
            quote_spanned!(site=> #krate::__private::returning::<#ty, _>(async move { #body }))
        }
        None => quote_spanned!(site=> async move { #body }),
    };
    let generator = quote_spanned! {site=>
        #krate::__private::#kind::with_send(
            move |#co: #krate::__private::Co<#yielded, #sent>| #body
        )
    };
    // Braces only when there are errors to emit beside the generator: around a plain
    // expansion they would trip `unused_braces` in the user's code.
    if errors.is_empty() {
        generator
    } else {
        quote! {{ #errors #generator }}
    }
}

/// When the input cannot be parsed, one error and an expression that type-checks as a
/// generator wherever one is expected, so that the mistake gives that one error and no
/// cascade.
fn fallback(krate: &TokenStream, kind: &Ident, error: TokenStream) -> TokenStream {
    quote! {{
        #error
        #krate::__private::#kind::with_send(
            move |_: #krate::__private::Co<_, ()>| async move { ::core::unreachable!() }
        )
    }}
}
