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

mod for_await;
mod header;
mod rewrite;
mod yield_from;

/// One of the generator macros: they share the grammar and the rewriting.
pub(crate) struct Kind {
    /// The public macro's name, for the errors.
    pub(crate) name: &'static str,
    /// The generator type the body becomes.
    generator: &'static str,
    /// The wrapper that makes a body returning `Result<R, E>` an iterator or a stream of
    /// `Result<Y, E>`, if the macro is a fallible one.
    wrapper: Option<&'static str>,
    /// Whether the body may await (`for await`, real futures).
    pub(crate) is_async: bool,
    /// Whether `?` ends the items with the error (the `try_` macros): the body's return
    /// value is then the `Ok` side.
    pub(crate) fallible: bool,
}

pub(crate) static KINDS: [Kind; 4] = [
    Kind {
        name: "generator",
        generator: "Gen",
        wrapper: None,
        is_async: false,
        fallible: false,
    },
    Kind {
        name: "async_generator",
        generator: "AsyncGen",
        wrapper: None,
        is_async: true,
        fallible: false,
    },
    Kind {
        name: "try_generator",
        generator: "Gen",
        wrapper: Some("TryGen"),
        is_async: false,
        fallible: true,
    },
    Kind {
        name: "try_async_generator",
        generator: "AsyncGen",
        wrapper: Some("TryAsyncGen"),
        is_async: true,
        fallible: true,
    },
];

#[doc(hidden)]
#[proc_macro]
pub fn generator_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), &KINDS[0]).into()
}

#[doc(hidden)]
#[proc_macro]
pub fn async_generator_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), &KINDS[1]).into()
}

#[doc(hidden)]
#[proc_macro]
pub fn try_generator_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), &KINDS[2]).into()
}

#[doc(hidden)]
#[proc_macro]
pub fn try_async_generator_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into(), &KINDS[3]).into()
}

/// Expands a generator's body into `Gen::with_send(...)` or `AsyncGen::with_send(...)`,
/// wrapped for the fallible macros.
fn expand(input: TokenStream, kind: &'static Kind) -> TokenStream {
    let (krate, input) = header::split_crate(input);
    let input = match header::split(input) {
        Ok(input) => input,
        Err(error) => return fallback(&krate, kind, error),
    };
    // The generated closure and async block are located at the user's body, so that
    // diagnostics about them (a `!Send` body, say) point into the user's code.
    let site = input
        .body
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |first| first.span());
    let body = for_await::mark(yield_from::mark(input.body));
    let stmts = match syn::Block::parse_within.parse2(body) {
        Ok(stmts) => stmts,
        Err(error) => return fallback(&krate, kind, error),
    };
    let co = Ident::new("__yielding_co", Span::mixed_site());
    let mut rewriter = rewrite::Rewriter::new(co.clone(), krate.clone(), kind);
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
    // `yield from` and `for await` pick what to do by method lookup, which needs these
    // traits in scope.
    let body = quote! {
        #[allow(unused_imports)]
        use #krate::__private::{
            DelegateTo as __YieldingDelegateTo, DelegateToGenerator as _,
            DelegateToIterable as _, DelegateToStream as _,
            ForAwaitOperand as __YieldingForAwaitOperand, ForAwaitOverStream as _,
            next_item as __yielding_next_item,
        };
        #body
    };
    let returned = match (header.returned, kind.fallible) {
        (Some(ty), _) => Some(quote!(#ty)),
        // `?` needs to know it returns a `Result` before the body's end says so.
        (None, true) => Some(quote!(::core::result::Result<_, _>)),
        (None, false) => None,
    };
    let body = if kind.fallible {
        // The body's value is the `Ok`; `?` returns the `Err`. A body that never ends (a
        // `loop`) would make the `Ok` unreachable code.
        let value = Ident::new("__yielding_returned", Span::mixed_site());
        quote_spanned! {site=>
            let #value = { #body };
            #[allow(unreachable_code)]
            return ::core::result::Result::Ok(#value);
        }
    } else {
        body
    };
    let body = match returned {
        Some(ty) => {
            quote_spanned!(site=> #krate::__private::returning::<#ty, _>(async move { #body }))
        }
        None => quote_spanned!(site=> async move { #body }),
    };
    let generator = Ident::new(kind.generator, Span::call_site());
    let generator = quote_spanned! {site=>
        #krate::__private::#generator::with_send(
            move |#co: #krate::__private::Co<#yielded, #sent>| #body
        )
    };
    let generator = match kind.wrapper {
        Some(wrapper) => {
            let wrapper = Ident::new(wrapper, Span::call_site());
            quote_spanned!(site=> #krate::__private::#wrapper::new(#generator))
        }
        None => generator,
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
/// cascade: its types are left to inference, so any later `send` or `throw` fits, and a
/// type nothing fixes is not reported once the error has been.
fn fallback(krate: &TokenStream, kind: &Kind, error: syn::Error) -> TokenStream {
    let error = error.to_compile_error();
    let generator = Ident::new(kind.generator, Span::call_site());
    let generator = quote! {
        #krate::__private::#generator::with_send(
            move |_: #krate::__private::Co<_, _>| async move { ::core::unreachable!() }
        )
    };
    let generator = match kind.wrapper {
        Some(wrapper) => {
            let wrapper = Ident::new(wrapper, Span::call_site());
            quote!(#krate::__private::#wrapper::new(#generator))
        }
        None => generator,
    };
    quote! {{ #error #generator }}
}
