/*
 * web_pages.h - the pages the router (web_http.c) dispatches to, one
 * function per route (DESIGN.md "Web panel"); each answers into r.
 */
#ifndef MAILARC_WEB_PAGES_H
#define MAILARC_WEB_PAGES_H

#include "web.h"

void web_login_get(WEB_REQ *r);
void web_login_post(WEB_REQ *r);
void web_logout(WEB_REQ *r);
void web_dashboard(WEB_REQ *r);
void web_search_page(WEB_REQ *r);
void web_api_search(WEB_REQ *r);
void web_message(WEB_REQ *r, const char *id);
void web_download(WEB_REQ *r, const char *id);
void web_restore(WEB_REQ *r);
void web_daemon_get(WEB_REQ *r);
void web_daemon_post(WEB_REQ *r);
void web_audit_page(WEB_REQ *r);
void web_static(WEB_REQ *r, const char *name);
void web_burner_page(WEB_REQ *r);
void web_burner_post(WEB_REQ *r);
void web_burner_job(WEB_REQ *r, const char *id);
void web_burner_file(WEB_REQ *r, const char *kind, const char *name);

void web_export(WEB_REQ *r);
void web_holds_get(WEB_REQ *r);
void web_holds_post(WEB_REQ *r);
void web_deletions_get(WEB_REQ *r);
void web_deletions_post(WEB_REQ *r);

#endif
