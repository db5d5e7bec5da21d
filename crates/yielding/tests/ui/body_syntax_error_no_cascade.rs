// A body that fails to parse is one error: later sends and throws type-check against the
// fallback instead of adding errors of their own.
use yielding::{async_generator, generator};

fn main() {
    let mut g = generator! {
        let x = yield 1
        yield x;
    };
    let _ = g.start();
    let _ = g.send(5);
    let mut h = generator!(u8, Result<(), String> => { yield 1 yield 2; });
    let _ = h.throw("boom".to_string());
    let _ = h.send(Ok(()));
    let a = async_generator! { yield 1 yield 2; };
    let _ = a.state();
}
