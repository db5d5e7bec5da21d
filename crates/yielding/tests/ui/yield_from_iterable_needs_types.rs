// `let r = yield from iterable;` with nothing that fixes the send type: the error says to
// name it.
use yielding::generator;

fn main() {
    let mut g = generator! {
        let r = yield from [1, 2, 3];
        yield 4;
        r
    };
    let _ = g.next();
}
