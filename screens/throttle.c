/* Five failures in a row, then a pause that doubles each time (30 s, 60 s,
 * ... at most 10 min) before the next try. Used by log-in and unlock. */
#include "screen.h"

#define THROTTLE_FIRST_PAUSE 30.0
#define THROTTLE_MAX_PAUSE 600.0

void throttle_failed(struct throttle *th)
{
	double pause = THROTTLE_FIRST_PAUSE;

	if (++th->failures < THROTTLE_FAILURES)
		return;
	for (int i = 0; i < th->pauses && pause < THROTTLE_MAX_PAUSE; i++)
		pause *= 2;
	if (pause > THROTTLE_MAX_PAUSE)
		pause = THROTTLE_MAX_PAUSE;
	th->pauses++;
	th->failures = 0;
	th->until = tui_now() + pause;
}

void throttle_passed(struct throttle *th)
{
	th->failures = 0;
	th->pauses = 0;
	th->until = 0;
}

int throttle_wait(const struct throttle *th)
{
	double left = th->until - tui_now();

	return left > 0 ? (int)(left + 0.999) : 0;
}
