/*
 * Survey: the surveyor asks every respondent, then collects answers until the survey time
 * runs out (pynng's Surveyor0 example).
 *
 * usage: survey [tcp|ipc|inproc]
 */
#include "common.h"

int
main(int argc, char **argv)
{
	static const char *const answers[] = {"me me me!!!", "I need to sit this one out."};
	const char              *transport = ex_transport(argc, argv);
	char                     url[256], buf[256];
	int                      seen[2] = {0, 0};
	pnng_socket              surveyor, resp[2];
	size_t                   len;
	int                      rv, i;

	CHECK(pnng_surveyor0_open(&surveyor));
	ex_timeouts(surveyor, EX_TIMEOUT_MS);
	ex_listen(surveyor, transport, "survey", url, sizeof url);
	for (i = 0; i < 2; i++) {
		CHECK(pnng_respondent0_open(&resp[i]));
		ex_timeouts(resp[i], EX_TIMEOUT_MS);
		CHECK(pnng_socket_dial(resp[i], url, 0, NULL));
	}
	ex_wait_pipes(surveyor, 2, "surveyor");

	/* Long enough for both answers on a loaded machine; the loop below ends at the deadline. */
	CHECK(pnng_socket_set_ms(surveyor, PNNG_OPT_SURVEYOR_SURVEYTIME, 2000));
	ex_send(surveyor, "surveyor", "who wants to party?");
	for (i = 0; i < 2; i++) {
		ex_expect(resp[i], i == 0 ? "respondent1" : "respondent2", "who wants to party?");
		ex_send(resp[i], i == 0 ? "respondent1" : "respondent2", answers[i]);
	}
	/* Accept answers until the survey is over. */
	for (;;) {
		rv = pnng_socket_recv(surveyor, buf, sizeof buf, 0, &len);
		if (rv == PNNG_ETIMEDOUT) {
			printf("survey is over: %s\n", pnng_strerror(rv));
			break;
		}
		CHECK(rv);
		printf("surveyor <- \"%.*s\"\n", (int) len, buf);
		ex_match_once(buf, len, answers, seen, 2, "surveyor");
	}
	EXPECT(seen[0] && seen[1]);

	for (i = 0; i < 2; i++) {
		ex_close(resp[i]);
	}
	ex_close(surveyor);
	return ex_done("survey");
}
