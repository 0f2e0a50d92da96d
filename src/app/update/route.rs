//! Handing actions to the screens: the one on top for keys, each in turn for answers, every
//! one for a decision that changed a model. What a screen asks of the stack (a screen to open,
//! a notice for the others) is carried out here, once it is done.

use super::super::effect::Effect;
use super::super::screens::{Asked, Ctx, ScreenBehaviour};
use super::super::state::State;
use crate::app::action::Action;

/// Let the screen on top act, then carry out what it asked for.
pub(super) fn to_top(
    state: &mut State,
    fx: &mut Vec<Effect>,
    act: impl FnOnce(&mut dyn ScreenBehaviour, &mut Ctx),
) {
    let (screens, mut ctx) = state.split(fx);
    if let Some(top) = screens.last_mut() {
        act(top.behaviour_mut(), &mut ctx);
    }
    let asked = ctx.finish();
    carry_out(state, asked);
}

/// Let every screen act, bottom first (the models list first), then carry out what they asked.
pub(super) fn to_each(
    state: &mut State,
    fx: &mut Vec<Effect>,
    mut act: impl FnMut(&mut dyn ScreenBehaviour, &mut Ctx),
) {
    let (screens, mut ctx) = state.split(fx);
    for screen in screens.iter_mut() {
        act(screen.behaviour_mut(), &mut ctx);
    }
    let asked = ctx.finish();
    carry_out(state, asked);
}

/// An answer goes to the screen that asked for it (by request id); others drop it, as they
/// drop an answer to a request that was superseded.
pub(super) fn answer(state: &mut State, fx: &mut Vec<Effect>, action: Action) {
    let (screens, mut ctx) = state.split(fx);
    let mut unclaimed = Some(action);
    for screen in screens.iter_mut() {
        let Some(action) = unclaimed.take() else {
            break;
        };
        unclaimed = screen.behaviour_mut().answer(action, &mut ctx);
    }
    let asked = ctx.finish();
    carry_out(state, asked);
}

fn carry_out(state: &mut State, asked: Asked) {
    for notice in &asked.notices {
        for screen in &mut state.screens {
            screen.behaviour_mut().hear(notice);
        }
    }
    if let Some(screen) = asked.opened {
        state.screens.push(screen);
    }
}

/// Ask for what the screens need: what the models list keeps ready below, then what the
/// screen on top shows and lacks.
pub(super) fn ensure_loaded(state: &mut State, fx: &mut Vec<Effect>) {
    to_each(state, fx, |screen, ctx| screen.ensure_loaded_below(ctx));
    to_top(state, fx, |screen, ctx| screen.ensure_loaded(ctx));
}
