// A `yield` inside a macro call in the body is one clear error at that `yield`.
use yielding::generator;

fn main() {
    let g = generator! {
        println!("{}", yield 1);
    };
    let _ = g;
}
