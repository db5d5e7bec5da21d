// A generator that borrows data cannot outlive that data: the borrow checker sees through
// the generator as through any closure or future.
use yielding::generator;

fn main() {
    let g;
    {
        let data = vec![1, 2, 3];
        let borrowed = &data;
        g = generator! {
            for x in borrowed {
                yield *x;
            }
        };
    }
    for x in g {
        println!("{x}");
    }
}
