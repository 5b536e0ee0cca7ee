/*
 * cset.h — GS1 character sets, shared by the code types and the GS1 parser.
 *
 * Plain C, no PostgreSQL includes: used by the pure parsers and their fuzz
 * harnesses.
 *
 * GS1 AI encodable character set 82:  ! " % & ' ( ) * + , - . / 0-9 : ; < = > ?
 *                                     A-Z _ a-z
 * GS1 AI encodable character set 39:  # - / 0-9 A-Z
 */
#ifndef LOTTRACE_CSET_H
#define LOTTRACE_CSET_H

#include <stdbool.h>

static inline bool
cset82_char(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	switch (c)
	{
		case '!': case '"': case '%': case '&': case '\'': case '(': case ')':
		case '*': case '+': case ',': case '-': case '.': case '/': case ':':
		case ';': case '<': case '=': case '>': case '?': case '_':
			return true;
		default:
			return false;
	}
}

static inline bool
cset39_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '#' || c == '-' || c == '/';
}

static inline bool
ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* White space trimmed around codes: the same set as C isspace() in "C". */
static inline bool
ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

#endif							/* LOTTRACE_CSET_H */
