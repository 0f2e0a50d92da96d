#!/usr/bin/env python3
"""Render `tmux capture-pane -e -p` output (text with SGR colour codes) as an SVG image.

    ansi2svg.py COLS ROWS < capture.ansi > screen.svg

Each terminal cell is placed on a fixed grid (wide CJK characters take two cells), so the
picture matches the terminal exactly; rsvg-convert turns the SVG into a PNG.
"""

import html
import re
import sys
import unicodedata

CELL_W, CELL_H, FONT_SIZE = 9, 19, 15
DEFAULT_FG, DEFAULT_BG = "#d0d7de", "#0d1117"

# xterm's 16 colours (the dark theme's 16-colour form is drawn with these).
BASE16 = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.reverse = False
        self.italic = False
        self.underline = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.reverse, self.italic, self.underline)

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 3:
                self.italic = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASE16[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASE16[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASE16[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASE16[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
                elif codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm256(codes[i + 2])
                    i += 2
                else:
                    colour = None
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
            i += 1


# Box-drawing characters drawn as lines, so borders join across rows whatever the font.
BOX = {
    "─": "lr", "│": "ud", "┌": "rd", "┐": "ld", "└": "ru", "┘": "lu",
    "├": "udr", "┤": "udl", "┬": "lrd", "┴": "lru", "┼": "lrud",
}


def box(ch, x, y, colour):
    cx, cy = x + CELL_W / 2, y + CELL_H / 2
    ends = {"l": (x, cy), "r": (x + CELL_W, cy), "u": (cx, y), "d": (cx, y + CELL_H)}
    return "".join(
        f'<line x1="{cx}" y1="{cy}" x2="{ends[d][0]}" y2="{ends[d][1]}" stroke="{colour}" stroke-width="1.2" stroke-linecap="square"/>'
        for d in BOX[ch]
    )


SGR = re.compile(r"\x1b\[([0-9;]*)m")
OTHER_ESC = re.compile(r"\x1b\[[0-9;?]*[A-Za-ln-z]")


def cells_of(line):
    """[(char, style_key)] with a placeholder after wide characters."""
    style = Style()
    out = []
    pos = 0
    line = OTHER_ESC.sub("", line)
    for m in SGR.finditer(line + "\x1b[m"):
        for ch in line[pos:m.start()]:
            out.append((ch, style.key()))
            if unicodedata.east_asian_width(ch) in ("W", "F"):
                out.append((None, style.key()))
        style.apply(m.group(1))
        pos = m.end()
    return out


def render(text, cols, rows):
    lines = text.split("\n")[:rows]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{cols * CELL_W + 16}" height="{rows * CELL_H + 16}">',
        f'<rect width="100%" height="100%" fill="{DEFAULT_BG}"/>',
        f'<g transform="translate(8,8)" font-family="DejaVu Sans Mono, WenQuanYi Zen Hei Mono, monospace" font-size="{FONT_SIZE}">',
    ]
    for y, line in enumerate(lines):
        cells = cells_of(line)[:cols]
        cells += [(" ", (None, None, False, False, False, False))] * (cols - len(cells))
        x = 0
        while x < len(cells):
            ch, (fg, bg, bold, reverse, italic, underline) = cells[x]
            fg_c, bg_c = fg or DEFAULT_FG, bg or DEFAULT_BG
            if reverse:
                fg_c, bg_c = bg_c, fg_c
            top = y * CELL_H
            if bg_c != DEFAULT_BG:
                parts.append(f'<rect x="{x * CELL_W}" y="{top}" width="{CELL_W + 0.5}" height="{CELL_H}" fill="{bg_c}"/>')
            if ch and ch != " ":
                attrs = f'fill="{fg_c}"'
                if bold:
                    attrs += ' font-weight="bold"'
                if italic:
                    attrs += ' font-style="italic"'
                if underline:
                    attrs += ' text-decoration="underline"'
                if ch in BOX:
                    parts.append(box(ch, x * CELL_W, top, fg_c))
                    x += 1
                    continue
                if ch == "█":
                    parts.append(f'<rect x="{x * CELL_W}" y="{top}" width="{CELL_W + 0.5}" height="{CELL_H}" fill="{fg_c}"/>')
                    x += 1
                    continue
                parts.append(
                    f'<text x="{x * CELL_W}" y="{top + CELL_H - 5}" {attrs} xml:space="preserve">{html.escape(ch)}</text>'
                )
            x += 1
    parts.append("</g></svg>")
    return "\n".join(parts)


def main():
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    sys.stdout.write(render(sys.stdin.read(), cols, rows))


if __name__ == "__main__":
    main()
