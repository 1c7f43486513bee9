/*
 * rtf.h - the text of an RTF document.
 *
 * Groups that hold no text (font and colour tables, style sheets, pictures,
 * objects, document information, "\*" destinations) are skipped; \par,
 * \line, \tab and cell ends become white space; \'hh bytes are read in
 * the document's \ansicpg code page (windows-1252 by default) and \uN as
 * Unicode, skipping the \ucN fallback characters after it.  One pass, no
 * recursion: time is linear in the input and nesting costs nothing.
 */
#ifndef MAILARC_RTF_H
#define MAILARC_RTF_H

#include <stddef.h>

#include "vstr.h"

/* Append the UTF-8 text to out; -1 when data does not start "{\rtf". */
int rtf_to_text(const char *data, size_t len, VSTR *out);

#endif
