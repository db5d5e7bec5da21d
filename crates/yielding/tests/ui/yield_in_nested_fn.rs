// A `yield` inside a function item nested in `generator!` is an error at that `yield`.
use yielding::generator;

fn main() {
    let g = generator! {
        fn helper() {
            yield 1;
        }
        helper();
        yield 2;
    };
    let _ = g.count();
}
