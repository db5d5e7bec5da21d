// A generator placed on the stack needs its place pinned (`core::pin::pin!`): a plain
// `&mut` place is rejected, so the body can never move once resumed.
use yielding::Gen;

fn main() {
    let mut place = None;
    let g = Gen::new_in(&mut place, |co| async move {
        co.yield_(1).await;
    });
    for x in g {
        println!("{x}");
    }
}
