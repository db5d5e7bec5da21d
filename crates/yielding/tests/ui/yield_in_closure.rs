// A `yield` inside a closure nested in `generator!` is an error at that `yield`.
use yielding::generator;

fn main() {
    let g = generator! {
        yield 1;
        let f = |x: i32| {
            yield x;
        };
        f(2);
    };
    let _ = g.count();
}
