#include <pnng.h>
#include <stdio.h>

int main(void) {
    pnng_socket rep, req;
    char question[16], answer[16];
    size_t qlen = 0, alen = 0;
    pnng_rep0_open(&rep);
    pnng_socket_listen(rep, "tcp://127.0.0.1:5555", 0, NULL);
    pnng_req0_open(&req);
    pnng_socket_dial(req, "tcp://127.0.0.1:5555", 0, NULL);
    pnng_socket_send(req, "2+2", 3, 0);
    pnng_socket_recv(rep, question, sizeof question, 0, &qlen);
    pnng_socket_send(rep, "4", 1, 0);
    int rv = pnng_socket_recv(req, answer, sizeof answer, 0, &alen);
    printf("%.*s = %.*s\n", (int)qlen, question, (int)alen, answer); /* prints 2+2 = 4 */
    pnng_fini();
    return rv;
}
