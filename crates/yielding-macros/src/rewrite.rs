//! Rewrites each `yield` of a generator's body into an await on the yield handle, and
//! rejects the `yield`s that cannot be rewritten, each with an error at that `yield`.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprYield, Item, Pat, Stmt, parse_quote, parse_quote_spanned};

use crate::Kind;
use crate::for_await;
use crate::yield_from::MARKER;

/// Where an expression stands, as far as its value goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Its value is used.
    Used,
    /// It is the body's tail: its value is the return value, but a `yield` there does not
    /// make the generator one that receives values.
    Returned,
    /// Its value is thrown away: a statement, a loop body, a branch of either.
    Unused,
}

pub(crate) struct Rewriter {
    /// The yield handle's name, with mixed-site hygiene: user code can neither see it nor
    /// shadow it.
    co: Ident,
    /// The path to the `yielding` crate.
    krate: TokenStream,
    /// The macro being expanded, for the errors.
    kind: &'static Kind,
    /// What the current code is nested in, if a `yield` there cannot be rewritten.
    nested_in: Option<&'static str>,
    position: Position,
    /// Whether any `yield`'s value (the sent value) is used.
    pub(crate) sent_value_used: bool,
    pub(crate) errors: Vec<syn::Error>,
}

impl Rewriter {
    pub(crate) fn new(co: Ident, krate: TokenStream, kind: &'static Kind) -> Self {
        Rewriter {
            co,
            krate,
            kind,
            nested_in: None,
            position: Position::Used,
            sent_value_used: false,
            errors: Vec::new(),
        }
    }

    fn with<T>(&mut self, position: Position, visit: impl FnOnce(&mut Self) -> T) -> T {
        let outer = core::mem::replace(&mut self.position, position);
        let out = visit(self);
        self.position = outer;
        out
    }

    fn nested<T>(&mut self, what: &'static str, visit: impl FnOnce(&mut Self) -> T) -> T {
        let outer = self.nested_in.replace(what);
        let out = self.with(Position::Used, visit);
        self.nested_in = outer;
        out
    }

    fn rewrite_yield(&mut self, node: &mut ExprYield) -> Expr {
        let span = node.yield_token.span;
        let delegates = node.expr.as_deref_mut().and_then(delegated).is_some();
        if let Some(inner) = node.expr.as_deref_mut() {
            let operand = if delegates {
                delegated(inner).expect("checked above")
            } else {
                inner
            };
            self.with(Position::Used, |this| this.visit_expr_mut(operand));
        }
        if let Some(what) = self.nested_in {
            self.errors.push(syn::Error::new(
                span,
                format!(
                    "`yield` cannot be used inside a {what} in `{}!`: the {what} runs \
                     outside the generator's own resumption, so it has nowhere to pause. \
                     Yield from the generator's body itself",
                    self.kind.name
                ),
            ));
            return parse_quote!(::core::unreachable!());
        }
        if self.position == Position::Used {
            self.sent_value_used = true;
        }
        let co = &self.co;
        let krate = &self.krate;
        match node.expr.as_deref_mut() {
            Some(inner) if delegates => {
                let operand = delegated(inner).expect("checked above");
                let operand_span = operand.span();
                // A `yield from` whose value is thrown away has no way to take a value sent
                // into an iterable: that form panics instead of losing it.
                let method = if self.position == Position::Unused {
                    quote_spanned!(operand_span=> __yielding_yield_from_statement)
                } else {
                    quote_spanned!(operand_span=> __yielding_yield_from)
                };
                let co = quote_spanned!(operand_span=> &#co);
                // `DelegateTo` and its traits are imported once, at the top of the body (see
                // `expand`), so that the call's tokens are all at the operand, and so is an
                // error about it.
                let call = quote_spanned!(operand_span=>
                    __YieldingDelegateTo::new(#operand).#method(#co)
                );
                parse_quote_spanned!(span=> (#call).await)
            }
            // A path call, not a method call: no trait of the user's can capture it. The
            // parentheses carry the `yield`'s span, so diagnostics point at the `yield`.
            Some(inner) => {
                // `yield (expr)` becomes a call argument, where its parentheses would be
                // linted as unnecessary in the user's code.
                let inner = match inner {
                    Expr::Paren(paren) => &*paren.expr,
                    other => &*other,
                };
                parse_quote_spanned!(span=> (#krate::__private::Co::yield_(&#co, #inner)).await)
            }
            None => parse_quote_spanned!(span=> (#krate::__private::Co::yield_(&#co, ())).await),
        }
    }

    /// `for await pat in stream { body }` (marked by `for_await::mark`), as a loop over the
    /// stream's items polled with `poll_next`. In a synchronous body it is an error, and
    /// rewritten all the same so that the error is the only one.
    fn rewrite_for_await(&mut self, node: &mut syn::ExprForLoop, at: Span) -> Expr {
        self.with(Position::Used, |this| this.visit_expr_mut(&mut node.expr));
        self.with(Position::Unused, |this| {
            this.visit_block_mut(&mut node.body)
        });
        if !self.kind.is_async {
            self.errors.push(syn::Error::new(
                at,
                format!(
                    "`for await` cannot be used in `{}!`: its body cannot await. Iterate \
                     with `for x in iterable`, or make it an `async_generator!`",
                    self.kind.name
                ),
            ));
            // The loop is gone, and the error is the only one.
            return parse_quote!(::core::unreachable!());
        }
        let stream = Ident::new("__yielding_stream", Span::mixed_site());
        let attrs = &node.attrs;
        let label = &node.label;
        let pat = &node.pat;
        let operand = &node.expr;
        let body = &node.body;
        // As for `yield from`, the operand's type picks what to iterate, by method lookup
        // on types imported at the top of the body.
        let operand_span = operand.span();
        let checked = quote_spanned!(operand_span=>
            __YieldingForAwaitOperand::new(#operand).__yielding_for_await()
        );
        let next = quote_spanned!(at=> __yielding_next_item(&mut #stream));
        parse_quote_spanned! {at=>
            {
                let mut #stream = ::core::pin::pin!(#checked);
                #(#attrs)*
                #label while let ::core::option::Option::Some(#pat) = #next.await #body
            }
        }
    }
}

/// The delegated expression, if `expr` is the `yield from` marker closure.
fn delegated(expr: &mut Expr) -> Option<&mut Expr> {
    match expr {
        Expr::Closure(closure)
            if closure.inputs.len() == 1
                && matches!(&closure.inputs[0], Pat::Ident(p) if p.ident == MARKER) =>
        {
            Some(&mut closure.body)
        }
        _ => None,
    }
}

impl VisitMut for Rewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let position = self.position;
        match expr {
            Expr::Yield(node) => {
                *expr = self.rewrite_yield(node);
            }
            // `(yield x)` becomes `(...).await`, a postfix expression that needs no
            // parentheses anywhere: the user's would be linted as unnecessary (in a
            // `match` scrutinee, say) with a fix that removes the operand.
            Expr::Paren(node) if matches!(&*node.expr, Expr::Yield(_)) => {
                self.visit_expr_mut(&mut node.expr);
                *expr = (*node.expr).clone();
            }
            Expr::Closure(node) => {
                self.nested("closure", |this| this.visit_expr_mut(&mut node.body))
            }
            Expr::Async(node) => self.nested("nested async block", |this| {
                this.visit_block_mut(&mut node.block)
            }),
            // Block-like expressions pass their own position on to the values they end with.
            Expr::Block(node) => self.visit_block_mut(&mut node.block),
            Expr::Unsafe(node) => self.visit_block_mut(&mut node.block),
            Expr::If(node) => {
                self.with(Position::Used, |this| this.visit_expr_mut(&mut node.cond));
                self.with(position, |this| this.visit_block_mut(&mut node.then_branch));
                if let Some((_, otherwise)) = &mut node.else_branch {
                    self.with(position, |this| this.visit_expr_mut(otherwise));
                }
            }
            Expr::Match(node) => {
                self.with(Position::Used, |this| this.visit_expr_mut(&mut node.expr));
                for arm in &mut node.arms {
                    if let Some((_, guard)) = &mut arm.guard {
                        self.with(Position::Used, |this| this.visit_expr_mut(guard));
                    }
                    self.with(position, |this| this.visit_expr_mut(&mut arm.body));
                }
            }
            Expr::Loop(node) => self.with(Position::Unused, |this| {
                this.visit_block_mut(&mut node.body)
            }),
            Expr::While(node) => {
                self.with(Position::Used, |this| this.visit_expr_mut(&mut node.cond));
                self.with(Position::Unused, |this| {
                    this.visit_block_mut(&mut node.body)
                });
            }
            Expr::ForLoop(node) => match for_await::marked(node) {
                Some(at) => *expr = self.rewrite_for_await(node, at),
                None => {
                    self.with(Position::Used, |this| this.visit_expr_mut(&mut node.expr));
                    self.with(Position::Unused, |this| {
                        this.visit_block_mut(&mut node.body)
                    });
                }
            },
            Expr::Return(node) if self.kind.fallible && self.nested_in.is_none() => {
                // In a fallible generator `?` returns the `Err`, so the body's own return
                // value is the `Ok`.
                let value = match node.expr.take() {
                    Some(mut value) => {
                        self.with(Position::Used, |this| this.visit_expr_mut(&mut value));
                        quote_spanned!(value.span()=> #value)
                    }
                    None => quote_spanned!(node.return_token.span=> ()),
                };
                node.expr = Some(Box::new(
                    parse_quote_spanned!(node.return_token.span=> ::core::result::Result::Ok(#value)),
                ));
            }
            Expr::Macro(node) => {
                if self.check_macro(&node.mac) {
                    *expr = parse_quote!(::core::unreachable!());
                }
            }
            _ => self.with(Position::Used, |this| visit_mut::visit_expr_mut(this, expr)),
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let tail = self.position;
        let last = block.stmts.len().saturating_sub(1);
        for (i, stmt) in block.stmts.iter_mut().enumerate() {
            // A block-like statement before the tail (`if`, `match` without `;`) has the
            // value `()`: whatever its branches end with is thrown away.
            let position = if i == last { tail } else { Position::Unused };
            self.with(position, |this| this.visit_stmt_mut(stmt));
        }
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        match stmt {
            Stmt::Expr(expr, Some(_semicolon)) => {
                self.with(Position::Unused, |this| this.visit_expr_mut(expr))
            }
            Stmt::Expr(expr, None) => self.visit_expr_mut(expr),
            Stmt::Local(local) => {
                if let Some(init) = &mut local.init {
                    self.with(Position::Used, |this| {
                        this.visit_expr_mut(&mut init.expr);
                        if let Some((_, diverge)) = &mut init.diverge {
                            this.visit_expr_mut(diverge);
                        }
                    });
                }
            }
            Stmt::Item(item) => self.visit_item_mut(item),
            Stmt::Macro(node) => {
                if self.check_macro(&node.mac) {
                    *stmt = parse_quote!(::core::unreachable!(););
                }
            }
        }
    }

    fn visit_item_mut(&mut self, item: &mut Item) {
        self.nested("nested item", |this| visit_mut::visit_item_mut(this, item));
    }
}

impl Rewriter {
    /// A macro call's tokens are opaque until it expands, after this macro has run, so a
    /// `yield` in them could not be rewritten. Say so at the `yield` rather than let the
    /// compiler report an unstable `yield` expression. A nested generator macro is the
    /// exception: its `yield`s are its own, and it rewrites them itself.
    /// Whether the call had a `yield` in it (then reported, and to be replaced so that the
    /// compiler does not report it again).
    fn check_macro(&mut self, mac: &syn::Macro) -> bool {
        let nested_generator = mac
            .path
            .segments
            .last()
            .is_some_and(|segment| crate::KINDS.iter().any(|kind| segment.ident == kind.name));
        let before = self.errors.len();
        if !nested_generator {
            self.check_macro_tokens(mac.tokens.clone());
        }
        self.errors.len() != before
    }

    fn check_macro_tokens(&mut self, tokens: TokenStream) {
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) if ident == "yield" => {
                    self.errors.push(syn::Error::new(
                        ident.span(),
                        format!(
                            "`yield` cannot be used inside a macro call in `{}!`: the macro \
                             expands after the generator is built. Bind the value first: \
                             `let sent = yield value;`, then use `sent` in the macro",
                            self.kind.name
                        ),
                    ));
                }
                TokenTree::Group(group) => self.check_macro_tokens(group.stream()),
                _ => {}
            }
        }
    }
}

/// The rewritten statements. The body's own tail is the return value, not a use of a sent
/// value: `generator! { ...; yield x }` stays a generator that receives nothing.
pub(crate) fn rewrite(stmts: Vec<Stmt>, rewriter: &mut Rewriter) -> TokenStream {
    let mut block = syn::Block {
        brace_token: Default::default(),
        stmts,
    };
    rewriter.with(Position::Returned, |this| this.visit_block_mut(&mut block));
    let mut out = TokenStream::new();
    for stmt in &block.stmts {
        stmt.to_tokens(&mut out);
    }
    out
}
