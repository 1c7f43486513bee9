/*
 * web_http.h - the request handler given to libmicrohttpd: it reads the
 * request, checks session, CSRF and Origin, and routes to a page.
 */
#ifndef MAILARC_WEB_HTTP_H
#define MAILARC_WEB_HTTP_H

#include "web.h"

enum MHD_Result web_handle(void *cls, struct MHD_Connection *conn, const char *url,
                           const char *method, const char *version, const char *upload,
                           size_t *upload_size, void **ctx);
void web_done(void *cls, struct MHD_Connection *conn, void **ctx,
              enum MHD_RequestTerminationCode toe);

#endif
