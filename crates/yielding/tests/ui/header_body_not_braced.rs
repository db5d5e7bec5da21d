// A header whose body is not in braces is one error after the `=>`.
use yielding::generator;

fn main() {
    let g = generator!(u64 => yield 1);
    let _ = g.count();
}
