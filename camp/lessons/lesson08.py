"""Lesson 08's widgets: a label checker that measures an AI label in the picture itself, the 3-hour clock, the
48-hour silence-period checker and its chart, the MCMC pre-certification checker and sorter, the consent-record
checker and form, and the AI-use sorter.

The rules are plain functions (`find_label`, `check_image`, `audio_label_ok`, `takedown_deadline`,
`silence_verdict`, `precertification`, `consent_problems`), tested in `tests/test_lesson08.py`. The label rules
are lesson 07's (`lesson07.check_label`): here the label's size and place are measured from the pixels, and the
creator's name is read from the picture's metadata (`camp.verify.read_metadata`)."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from camp import charts, verify
from camp.data import DATA_DIR
from camp.lang import CampError
from camp.lessons import lesson07, panel, sorter, wide

GREEN, RED, AMBER, GREY = "#127a2d", "#b3261e", "#b7791f", "#555"
MONTHS_HI = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर")


@cache
def cases() -> dict:
    """The made-up pictures, posts to sort and uses of AI (camp/data/08-cases.json)."""
    return json.loads((DATA_DIR / "08-cases.json").read_text(encoding="utf-8"))


def _when(text: str | datetime) -> datetime:
    """A date and time typed as "2028-11-16 18:00" (IST, as the camp's examples are)."""
    if isinstance(text, datetime):
        return text
    try:
        return datetime.strptime(" ".join(str(text).split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise CampError(
            f"'{text}' समझ नहीं आया; ऐसे लिखें: 2028-11-16 18:00",
            f"'{text}' is not understood; write it as 2028-11-16 18:00",
        ) from None


def _show(moment: datetime) -> tuple[str, str]:
    """ "16 नवंबर, 18:00" and "16 Nov, 18:00"."""
    return (f"{moment.day} {MONTHS_HI[moment.month - 1]}, {moment:%H:%M}", f"{moment.day} {moment:%b, %H:%M}")


def _rows(rows: str, *heads: str) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>" for h in heads)
    return f"<table><tr>{head}</tr>{rows}</table>"


# -- 1. the AI label, measured in the picture (ECI advisory of 24 October 2025, as the fact sheet states it) ------

#: The camp's label: black words on a yellow band, a colour the rest of the picture avoids so it can be found.
LABEL_COLOUR = "#ffd400"
#: Contrast of the label's words against its band: the camp's own yardstick for "legible", not a legal figure.
MIN_CONTRAST = 4.5
SIZE = (960, 540)  # a 16:9 video frame
PLACES = {"top": ("ऊपर", "top"), "middle": ("बीच में", "middle"), "bottom": ("नीचे", "bottom")}
SHAPES = {"band": ("पूरी चौड़ाई की पट्टी", "full-width band"), "corner": ("कोने में डिब्बा", "box in a corner")}


@dataclass(frozen=True)
class LabelBox:
    """Where the label band sits in a picture, in pixels (right and bottom excluded)."""

    left: int
    top: int
    right: int
    bottom: int
    width: int  # the whole picture's
    height: int
    contrast: float  # the words against the band (1 = no words at all)

    @property
    def share(self) -> float:
        """The band's share of the picture, in percent (one decimal)."""
        return round(
            100 * (self.right - self.left) * (self.bottom - self.top) / (self.width * self.height), 1
        )

    @property
    def place(self) -> str:
        """ "top", "middle" or "bottom": the third of the picture that holds the band's centre."""
        centre = (self.top + self.bottom) / 2 / self.height
        return "top" if centre < 1 / 3 else "bottom" if centre > 2 / 3 else "middle"


@cache
def _scene(width: int, height: int) -> bytes:
    """A made-up campaign picture (no real people, no AI) as PNG bytes, drawn once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Polygon, Rectangle

    charts.setup()
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 96)
    ax.set_ylim(0, 54)
    ax.axis("off")
    ax.add_patch(Rectangle((0, 18), 96, 36, color="#bfe3f5"))  # sky
    ax.add_patch(Rectangle((0, 0), 96, 18, color="#c9b27c"))  # ground
    ax.add_patch(Circle((86, 38), 3.5, color="#f08a24"))  # sun (orange: never the label's yellow)
    ax.add_patch(Rectangle((10, 18), 16, 14, color="#7f8c99"))  # water tank
    ax.add_patch(Polygon([(8, 32), (18, 38), (28, 32)], color="#5b6770"))
    ax.add_patch(Rectangle((46, 24), 44, 8, color="#ffffff", ec="#2a6f3f", lw=2))  # banner
    ax.text(68, 28, "सबके लिए साफ़ पानी — विदिशा", ha="center", va="center", fontsize=17, color="#2a6f3f")
    colours = ["#7a4b9a", "#2b6cb0", "#c53030", "#2f855a"]
    for n in range(14):
        x, y = 34 + (n * 4.4) % 58, 3 + (n % 3) * 4
        ax.add_patch(Rectangle((x - 0.9, y), 1.8, 3.2, color=colours[n % 4]))
        ax.add_patch(Circle((x, y + 4.1), 0.9, color="#8d5524"))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _band(text: str, width: int, height: int, colour: str):
    """The label: `text` in black on a `colour` band of exactly width × height pixels (Hindi shaped)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    charts.setup()
    fig = Figure(figsize=(width / 100, height / 100), dpi=100, facecolor=colour)
    canvas = FigureCanvasAgg(fig)
    size = 0.36 * height  # points: the words fill about half the band's height
    words = fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=size, color="#111111")
    extent = words.get_window_extent(canvas.get_renderer())
    if extent.width > 0.9 * width:
        words.set_fontsize(size * 0.9 * width / extent.width)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, facecolor=colour)
    return Image.open(buffer).convert("RGB").resize((width, height))


def poster(
    *,
    label: str = "AI-Generated / AI से बना",
    share: float = 12,
    place: str = "top",
    shape: str = "band",
    creator: str = "Sampark Setu (Vidisha team)",
    colour: str = LABEL_COLOUR,
) -> bytes:
    """A made-up AI-made campaign picture as PNG bytes, with a label covering `share` percent of it at `place`
    ("top", "middle", "bottom") as a full-width "band" or a "corner" box; `creator` goes in its metadata (EXIF
    Artist; Latin letters, as EXIF keeps them), none when empty.

    Example:
        >>> find_label(poster(share=12, place="top")).share
        12.0
    """
    from PIL import ExifTags, Image

    width, height = SIZE
    picture = _open(_scene(width, height))
    if share > 0 and label.strip():
        area = share / 100 * width * height
        if shape == "corner":  # a 3:1 box, 12 px from the edge
            box_w = min(width - 24, round((3 * area) ** 0.5))
            box_h, x = round(area / box_w), width - 12 - box_w
            y = {"top": 12, "middle": (height - box_h) // 2, "bottom": height - 12 - box_h}[place]
        else:
            box_w, box_h, x = width, round(area / width), 0
            y = {"top": 0, "middle": (height - box_h) // 2, "bottom": height - box_h}[place]
        picture.paste(_band(label, box_w, box_h, colour), (x, y))
    exif = Image.Exif()
    if creator.strip():
        exif[ExifTags.Base.Artist] = creator.strip()
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", exif=exif)
    return buffer.getvalue()


def practice_poster(key: str) -> dict:
    """One of the made-up pictures of 08-cases.json ("L1" … for the lesson, "A" … for the assignment)."""
    for items in cases()["posters"].values():
        for item in items:
            if item["id"] == key:
                return item
    raise CampError(f"'{key}' नाम की कोई तस्वीर नहीं।", f"No picture called '{key}'.")


@cache
def practice_image(key: str) -> bytes:
    """The PNG of a made-up picture of 08-cases.json, drawn once."""
    item = practice_poster(key)
    return poster(**{k: item[k] for k in ("label", "share", "place", "shape", "creator")})


def _open(image: bytes):
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(io.BytesIO(image)).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise CampError(
            "यह तस्वीर की फ़ाइल नहीं है (PNG या JPEG चुनें)।", "This is not an image file (choose a PNG or JPEG)."
        ) from None


def _largest_patch(grid: list[list[bool]]) -> tuple[int, int, int, int] | None:
    """The bounding box (row0, col0, row1, col1; inclusive) of the largest 4-connected patch of True cells."""
    rows, cols = len(grid), len(grid[0]) if grid else 0
    seen = [[False] * cols for _ in range(rows)]
    best, best_size = None, 0
    for r in range(rows):
        for c in range(cols):
            if not grid[r][c] or seen[r][c]:
                continue
            seen[r][c] = True
            stack, size, box = [(r, c)], 0, [r, c, r, c]
            while stack:
                y, x = stack.pop()
                size += 1
                box = [min(box[0], y), min(box[1], x), max(box[2], y), max(box[3], x)]
                for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                    if 0 <= ny < rows and 0 <= nx < cols and grid[ny][nx] and not seen[ny][nx]:
                        seen[ny][nx] = True
                        stack.append((ny, nx))
            if size > best_size:
                best, best_size = tuple(box), size
    return best


def _luminance(rgb) -> float:
    """Relative luminance of an sRGB colour (0–255 values), for the contrast of words against the band."""
    parts = [v / 255 for v in rgb]
    lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def find_label(image: bytes, colour: str = LABEL_COLOUR, tolerance: int = 60) -> LabelBox | None:
    """The label band in a picture: the largest patch of `colour` (within `tolerance`, summed over R, G and B),
    its exact edges, and how well the words on it stand out; None when the picture has no such patch.

    Example:
        >>> box = find_label(poster(share=10, place="bottom"))
        >>> (box.share, box.place)
        (10.0, 'bottom')
    """
    import numpy as np
    from PIL import ImageColor

    picture = _open(image)
    width, height = picture.size
    pixels = np.asarray(picture, dtype=np.int16)
    mask = np.abs(pixels - np.array(ImageColor.getrgb(colour)[:3], dtype=np.int16)).sum(axis=2) <= tolerance
    if not mask.any():
        return None
    # find the patch on a coarse grid (fast), then measure its edges on the full picture (exact)
    step = max(1, max(width, height) // 160)
    rows, cols = height // step, width // step
    grid = mask[: rows * step, : cols * step].reshape(rows, step, cols, step).mean(axis=(1, 3)) >= 0.5
    patch = _largest_patch(grid.tolist())
    if patch is None:
        return None
    r0, c0, r1, c1 = patch
    y0, y1 = max(0, (r0 - 1) * step), min(height, (r1 + 2) * step)
    x0, x1 = max(0, (c0 - 1) * step), min(width, (c1 + 2) * step)
    inside = mask[y0:y1, x0:x1]
    ys, xs = np.nonzero(inside.any(axis=1))[0], np.nonzero(inside.any(axis=0))[0]
    top, bottom, left, right = y0 + ys[0], y0 + ys[-1] + 1, x0 + xs[0], x0 + xs[-1] + 1
    box = pixels[top:bottom, left:right].reshape(-1, 3)
    band = mask[top:bottom, left:right].reshape(-1)
    words = box[~band]
    contrast = 1.0
    if len(words) > 0.005 * len(box):  # words: the pixels of another colour inside the band
        light = _luminance(box[band].mean(axis=0))
        lums = sorted(_luminance(p) for p in words[:: max(1, len(words) // 2000)])
        ink = lums[len(lums) // 10] if light > 0.18 else lums[-1 - len(lums) // 10]  # the words' own colour
        hi, lo = max(light, ink), min(light, ink)
        contrast = round(float((hi + 0.05) / (lo + 0.05)), 1)
    return LabelBox(int(left), int(top), int(right), int(bottom), width, height, contrast)


def check_image(
    image: bytes,
    *,
    kind: str = "video",
    label: str,
    caption: str = "",
    entity: str = "सम्पर्क सेतु",
    record_kept: bool = False,
    real_person: bool = False,
    consent: bool = False,
    colour: str = LABEL_COLOUR,
) -> tuple[LabelBox | None, list[tuple[bool, str, str]]]:
    """The label found in `image` and each rule, met or not: lesson 07's rules (`lesson07.check_label`) with the
    label's size and place measured from the picture, the entity named in the metadata (EXIF Artist) or the
    caption, and the words on the label legible.

    `label` is the wording on the label as the participant reads it (the checker does not read letters).
    """
    box = find_label(image, colour)
    meta = verify.read_metadata(image)
    named_in_caption = bool(entity.strip()) and entity.strip().casefold() in caption.casefold()
    rules = lesson07.check_label(
        kind=kind,
        label=label,
        share=box.share if box else 0,
        place=box.place if box else "none",
        entity_named=bool(meta.get("Artist")) or named_in_caption,
        record_kept=record_kept,
        real_person=real_person,
        consent=consent,
    )
    contrast = box.contrast if box else 1.0
    rules.insert(2, (
        contrast >= MIN_CONTRAST,
        f"लेबल के अक्षर साफ़ पढ़े जाएँ: पट्टी से कम से कम {MIN_CONTRAST:g} गुना अंतर (अभी {contrast:g})",
        f"The words on the label are legible: at least {MIN_CONTRAST:g} times the band's contrast (now {contrast:g})",
    ))  # fmt: skip
    return box, rules


def _outlined(image: bytes, box: LabelBox | None) -> bytes:
    """The picture as a JPEG with the found label outlined in red, for the preview."""
    from PIL import ImageDraw

    picture = _open(image)
    if box is not None:
        ImageDraw.Draw(picture).rectangle(
            (box.left, box.top, box.right - 1, box.bottom - 1), outline="#e01010", width=4
        )
    picture.thumbnail((640, 640))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def image_html(box: LabelBox | None, rules: list[tuple[bool, str, str]], meta: Mapping[str, str]) -> str:
    """What the checker measured (size, place, contrast, metadata), then lesson 07's table of rules and verdict."""
    if box is None:
        found = ("❓ लेबल की पीली पट्टी नहीं मिली: लेबल है ही नहीं, या दूसरे रंग का है (रंग बदलें)। / "
                 "No yellow label band found: there is no label, or it has another colour (change the colour).")  # fmt: skip
    else:
        hi, en = PLACES[box.place]
        found = (f"📏 लेबल: <b>{box.share:g}%</b> हिस्सा, <b>{hi}</b> ({box.right - box.left}×{box.bottom - box.top} पिक्सेल, "
                 f"तस्वीर {box.width}×{box.height}) / label: <b>{box.share:g}%</b> of the picture, at the <b>{en}</b>")  # fmt: skip
    artist = html.escape(meta.get("Artist", "")) or "—"
    return (f"<p>{found}<br>🏷️ मेटाडेटा में बनाने वाला / creator in the metadata: <b>{artist}</b></p>"
            + lesson07.label_html(rules))  # fmt: skip


def _image_panel(name: str, image_box, upload, controls: dict, source):
    """Shared wiring of the two label widgets: whenever a control changes, measure the picture and show it;
    returns the function that does it."""
    import ipywidgets as w

    view = w.HTML()

    def update(change=None) -> None:
        try:
            image = source()
            box, rules = check_image(
                image,
                kind=controls["kind"].value,
                label=controls["label"].value,
                caption=controls["caption"].value,
                record_kept=controls["record"].value,
                real_person=controls["person"].value,
                consent=controls["consent"].value,
            )
        except CampError as exc:
            view.value = f"<p style='color:{RED}'>⚠️ {html.escape(exc.hi)} / {html.escape(exc.en)}</p>"
            return
        image_box.value = _outlined(image, box)
        view.value = image_html(box, rules, verify.read_metadata(image))

    for control in controls.values():
        control.observe(update, names="value")
    children = [image_box, *controls.values()] + ([upload] if upload is not None else []) + [view]
    update()
    panel(name, *children, view=view, image=image_box, upload=upload, update=update, **controls)
    return update


def _check_controls(kind: str = "video", caption: str = "") -> dict:
    import ipywidgets as w

    return {
        "kind": w.Dropdown(
            options=[("वीडियो / video", "video"), ("तस्वीर / image", "image")],
            value=kind,
            description="क्या / what",
        ),  # fmt: skip
        "caption": w.Text(value=caption, description="कैप्शन / caption", layout=wide("80%")),
        "record": w.Checkbox(value=False, description="AI रजिस्टर में दर्ज / entered in the AI register"),
        "person": w.Checkbox(value=False, description="असली व्यक्ति दिखता या सुनाई देता है / shows a real person"),
        "consent": w.Checkbox(value=False, description="उसकी सहमति है / with their consent"),
    }


def poster_maker() -> None:
    """Make an AI-made picture's label (words, size, place, shape, creator in the metadata) and see the checker
    measure it in the picture itself, rule by rule."""
    import ipywidgets as w

    words = w.Text(value="AI", description="लेबल के शब्द / label words", layout=wide("60%"))
    share = w.FloatSlider(value=3, min=0, max=30, step=0.5, description="आकार % / size %")
    place = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in PLACES.items()], value="bottom",
                       description="जगह / where")  # fmt: skip
    shape = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in SHAPES.items()], value="corner",
                       description="आकृति / shape")  # fmt: skip
    creator = w.Checkbox(value=False, description="मेटाडेटा में बनाने वाले का नाम / creator's name in the metadata")
    # the checker reads the same words the maker draws
    controls = {"label": words, "share": share, "place": place, "shape": shape, "creator": creator,
                **_check_controls(caption="सबके लिए साफ़ पानी।")}  # fmt: skip
    image = w.Image(format="jpeg", width=480)

    def source() -> bytes:
        return poster(label=words.value, share=share.value, place=place.value, shape=shape.value,
                      creator="Sampark Setu (Vidisha team)" if creator.value else "")  # fmt: skip

    _image_panel("poster_maker", image, None, controls, source)


def label_checker(which: str = "lesson") -> None:
    """Choose one of the made-up pictures (the lesson's or the assignment's) or upload your own; the checker finds
    the yellow label band, measures its share and place, reads the metadata and checks every rule."""
    import ipywidgets as w

    items = cases()["posters"][which]
    pick = w.Dropdown(options=[(f"{p['hi']} / {p['en']}", p["id"]) for p in items]
                      + [("मेरी अपलोड की गई तस्वीर / my uploaded picture", "upload")], value=items[0]["id"],
                      description="तस्वीर / picture")  # fmt: skip
    upload = w.FileUpload(accept="image/png,image/jpeg", multiple=False, description="अपलोड / upload")
    controls = {"pick": pick, "label": w.Text(value=items[0]["label"], description="लेबल पर लिखा / label reads",
                                              layout=wide("60%")), **_check_controls(caption=items[0]["caption"])}  # fmt: skip
    image = w.Image(format="jpeg", width=480)

    def choose(change=None) -> None:
        if pick.value != "upload":
            item = practice_poster(pick.value)
            controls["label"].value, controls["caption"].value = item["label"], item["caption"]

    def source() -> bytes:
        if pick.value == "upload":
            if not upload.value:
                raise CampError("पहले 'अपलोड' दबाकर तस्वीर चुनें।", "First press 'upload' and choose a picture.")
            return bytes(upload.value[0]["content"])
        return practice_image(pick.value)

    pick.observe(choose, names="value")
    update = _image_panel("label_checker", image, upload, controls, source)

    def uploaded(change=None) -> None:
        controls["label"].value = ""  # the participant types what their label says
        if pick.value == "upload":
            update()
        pick.value = "upload"

    upload.observe(uploaded, names="value")


def audio_label_ok(duration_s: float, start_s: float, end_s: float) -> bool:
    """Whether a spoken label from `start_s` to `end_s` covers the first 10% of a clip `duration_s` long.

    Example:
        >>> audio_label_ok(120, 0, 12), audio_label_ok(60, 0, 3), audio_label_ok(180, 160, 180)
        (True, False, False)
    """
    return start_s <= 0 and end_s >= 0.1 * duration_s


def _seconds(text: str) -> float:
    minutes, _, seconds = str(text).strip().rpartition(":")
    try:
        return int(minutes or 0) * 60 + float(seconds)
    except ValueError:
        raise CampError(
            f"'{text}' समय नहीं है; ऐसे लिखें: 1:30", f"'{text}' is not a time; write it as 1:30"
        ) from None


def audio_html(duration: str, label_from: str, label_to: str) -> str:
    """Whether a spoken AI label (times typed as "m:ss") covers the first 10% of an audio clip, in words."""
    try:
        total, start, end = _seconds(duration), _seconds(label_from), _seconds(label_to)
    except CampError as exc:
        return f"<p style='color:{RED}'>⚠️ {html.escape(exc.hi)} / {html.escape(exc.en)}</p>"
    need = 0.1 * total
    if audio_label_ok(total, start, end):
        return (f"<p style='color:{GREEN}'>✅ लेबल 0:00 से {need:g} सेकंड तक ढकता है। / "
                f"The label covers 0:00 to {need:g} seconds.</p>")  # fmt: skip
    return (f"<p style='color:{RED}'>❌ लेबल 0:00 से शुरू होकर कम से कम {need:g} सेकंड चले (शुरू की 10% अवधि)। / "
            f"The label must start at 0:00 and last at least {need:g} seconds (the first 10% of the clip).</p>")  # fmt: skip


def audio_checker(duration: str = "2:00", label_from: str = "0:00", label_to: str = "0:12") -> None:
    """Type a clip's length and when its spoken AI label starts and ends ("m:ss"): does it cover the first 10%?"""
    import ipywidgets as w

    boxes = {
        "duration": w.Text(value=duration, description="क्लिप की लंबाई / clip length"),
        "label_from": w.Text(value=label_from, description="लेबल शुरू / label starts"),
        "label_to": w.Text(value=label_to, description="लेबल ख़त्म / label ends"),
    }
    view = w.HTML()

    def update(change=None) -> None:
        view.value = audio_html(*(box.value for box in boxes.values()))

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    panel("audio_checker", *boxes.values(), view, view=view, **boxes)


# -- 2. the 3-hour clock -------------------------------------------------------------------------------------------

TAKEDOWN_HOURS = 3
TAKEDOWN_STEPS = [
    ("आधिकारिक हैंडल से सामग्री हटाएँ — पता चलने के 3 घंटे के अंदर", "Take the content down from the official handle — within 3 hours of noticing it"),
    ("पता करें कि संगठन में किसने डाली, और उसे चेतावनी दें", "Find out who in the organisation posted it, and warn them"),
    ("ग़ैरक़ानूनी सामग्री और नक़ली खाते प्लैटफ़ॉर्म को रिपोर्ट करें", "Report unlawful content and fake accounts to the platform"),
    ("AI रजिस्टर में लिखें: क्या था, कब पता चला, कब हटाया, किसने", "Write it in the AI register: what it was, when noticed, when removed, by whom"),
]  # fmt: skip


def takedown_deadline(noticed: str | datetime) -> datetime:
    """The latest time the content may stay up: `TAKEDOWN_HOURS` after it was noticed or reported.

    Example:
        >>> takedown_deadline("2028-11-10 21:40")
        datetime.datetime(2028, 11, 11, 0, 40)
    """
    return _when(noticed) + timedelta(hours=TAKEDOWN_HOURS)


def takedown_html(noticed: str) -> str:
    try:
        deadline = takedown_deadline(noticed)
    except CampError as exc:
        return f"<p style='color:{RED}'>⚠️ {html.escape(exc.hi)} / {html.escape(exc.en)}</p>"
    hi, en = _show(deadline)
    steps = "".join(f"<li>{s_hi}<br><small>{s_en}</small></li>" for s_hi, s_en in TAKEDOWN_STEPS)
    return f"<p>⏰ <b>{hi}</b> तक हट जाए / down by <b>{en}</b></p><ol>{steps}</ol>"


def takedown_clock(noticed: str = "2028-11-10 21:40") -> None:
    """Type when a fake or AI-altered item on the official handle was noticed: the deadline and the four steps."""
    import ipywidgets as w

    box = w.Text(value=noticed, description="कब पता चला / noticed at", continuous_update=False)
    view = w.HTML()

    def update(change=None) -> None:
        view.value = takedown_html(box.value)

    box.observe(update, names="value")
    update()
    panel("takedown_clock", box, view, noticed=box, view=view)


# -- 3. the 48-hour silence period (Section 126, RP Act 1951) ------------------------------------------------------

#: The practice poll of this lesson (fictional): one phase, close of poll at 18:00.
POLL_CLOSE = "2028-11-16 18:00"
SILENCE_HOURS = 48
VERDICTS_126 = {
    "stop": ("⛔ रोकें: मौन अवधि में चुनाव सामग्री", "Stop: election matter in the silence period", RED),
    "careful": ("⚠️ जा सकती है, पर चुनाव की कोई बात न जोड़ें", "May go, but add nothing about the election", AMBER),
    "ok": ("✅ ठीक (आचार संहिता फिर भी लागू)", "Fine (the MCC still applies)", GREEN),
    "after": ("✅ मतदान ख़त्म होने के बाद", "After the close of poll", GREEN),
}


def posts() -> list[dict]:
    """The practice content calendar around polling day (camp/data/08-posts.csv), in time order."""
    with (DATA_DIR / "08-posts.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        row["when"], row["election"] = _when(row["when"]), row["election"] == "1"
    return sorted(rows, key=lambda r: r["when"])


def silence_window(close: str | datetime = POLL_CLOSE) -> tuple[datetime, datetime]:
    """The 48 hours ending with the hour fixed for the close of poll."""
    end = _when(close)
    return end - timedelta(hours=SILENCE_HOURS), end


def silence_verdict(when: datetime, election: bool, close: str | datetime = POLL_CLOSE) -> str:
    """ "stop", "careful", "ok" or "after" for a post at `when` (election matter or not).

    Example:
        >>> silence_verdict(_when("2028-11-15 09:00"), True)
        'stop'
    """
    start, end = silence_window(close)
    if when >= end:
        return "after"
    if when < start:
        return "ok"
    return "stop" if election else "careful"


def silence_html(close: str) -> str:
    try:
        start, end = silence_window(close)
    except CampError as exc:
        return f"<p style='color:{RED}'>⚠️ {html.escape(exc.hi)} / {html.escape(exc.en)}</p>"
    rows, stop = "", 0
    for post in posts():
        key = silence_verdict(post["when"], post["election"], end)
        stop += key == "stop"
        hi, en, colour = VERDICTS_126[key]
        kind = "चुनाव / election" if post["election"] else "चुनाव नहीं / not election"
        rows += (f"<tr><td>{post['id']}</td><td>{_show(post['when'])[0]}</td><td>{post['platform']}</td>"
                 f"<td>{html.escape(post['text_hi'])}<br><small>{html.escape(post['text_en'])}</small></td><td>{kind}</td>"
                 f"<td style='color:{colour}'>{hi}<br><small>{en}</small></td></tr>")  # fmt: skip
    (s_hi, s_en), (e_hi, e_en) = _show(start), _show(end)
    return (f"<p>🤫 मौन अवधि / silence period: <b>{s_hi}</b> → <b>{e_hi}</b> ({s_en} → {e_en})</p>"
            + _rows(rows, "", "कब / when", "", "पोस्ट / post", "", "फ़ैसला / decision")
            + f"<p><b>{stop}</b> पोस्ट रोकनी हैं / posts to stop</p>")  # fmt: skip


def silence_checker(close: str = POLL_CLOSE) -> None:
    """Type the hour fixed for the close of poll: every scheduled post, and whether it may go out."""
    import ipywidgets as w

    box = w.Text(value=close, description="मतदान ख़त्म / close of poll", continuous_update=False)
    view = w.HTML()

    def update(change=None) -> None:
        view.value = silence_html(box.value)

    box.observe(update, names="value")
    update()
    panel("silence_checker", box, view, close=box, view=view)


def silence_chart(close: str = POLL_CLOSE):
    """A timeline of the scheduled posts with the 48-hour silence period shaded (Hindi labels); returns the figure."""
    charts.setup()
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    start, end = silence_window(close)
    items = posts()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.axvspan(start, end, color="#f4c7c3", alpha=0.6, label="48 घंटे की मौन अवधि")
    ax.axvline(end, color=RED, lw=1.5)
    ax.text(end, len(items) + 0.3, "मतदान ख़त्म ", color=RED, fontsize=9, va="bottom", ha="right")
    for n, post in enumerate(items):
        key = silence_verdict(post["when"], post["election"], end)
        ax.scatter(
            post["when"], n, s=70, color=VERDICTS_126[key][2], marker="X" if key == "stop" else "o", zorder=3
        )
        ax.text(post["when"], n + 0.28, post["id"], fontsize=8, ha="center")
    ax.scatter([], [], color=RED, marker="X", label="रोकें: चुनाव सामग्री")
    ax.scatter([], [], color=AMBER, label="जा सकती है, चुनाव की बात नहीं")
    ax.scatter([], [], color=GREEN, label="ठीक")
    ax.set_yticks([])
    ax.set_ylim(-0.8, len(items) + 1.2)
    ax.xaxis.set_major_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m"))
    ax.set_xlabel("तारीख़ (दिन/महीना)")
    ax.set_title("तय पोस्ट और मौन अवधि: कौन-सी रोकनी है?")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.tight_layout()
    plt.show()
    return fig


# -- 4. MCMC pre-certification of paid political ads, and election expenditure --------------------------------------

WHO = {
    "candidate": ("उम्मीदवार", "a candidate"),
    "party": ("पंजीकृत दल (मुख्यालय इसी प्रदेश में)", "a registered party (headquartered in this state)"),
    "other": ("कोई और (संगठन, समर्थक)", "someone else (an organisation, a supporter)"),
}
WHERE = {
    "own": ("अपने खाते, पेज या वेबसाइट पर, बिना पैसे", "on its own account, page or website, unpaid"),
    "social_ad": ("सोशल मीडिया पर पैसे देकर विज्ञापन या बूस्ट", "a paid ad or boost on social media"),
    "web_ad": ("ई-पेपर या वेबसाइट पर विज्ञापन", "an ad in an e-paper or on a website"),
    "bulk": ("बल्क SMS या वॉइस कॉल", "bulk SMS or voice calls"),
    "tv": ("टीवी, रेडियो, सिनेमा, सार्वजनिक स्क्रीन", "TV, radio, cinema, screens in public places"),
}


@dataclass(frozen=True)
class Ruling:
    needed: bool
    hi: str
    en: str
    notes: tuple[tuple[str, str], ...]


def precertification(*, who: str, where: str, election: bool) -> Ruling:
    """Whether a post needs MCMC pre-certification before it goes out, where to apply, and what else applies.

    Example:
        >>> precertification(who="candidate", where="own", election=True).needed
        False
    """
    notes: list[tuple[str, str]] = []
    if not election:
        ruling = (
            False,
            "राजनीतिक विज्ञापन नहीं: MCMC प्रमाणन की ज़रूरत नहीं",
            "Not a political ad: no MCMC pre-certification",
        )
        if where != "own":
            notes.append(("फ़ेसबुक/इंस्टाग्राम पर सामाजिक मुद्दों के पैसे वाले विज्ञापनों के लिए भी Meta पहचान की पुष्टि माँगता है",
                          "Meta asks for authorisation for paid ads on social issues too"))  # fmt: skip
    elif where == "own":
        ruling = (False, "अपनी, बिना पैसे की पोस्ट विज्ञापन नहीं: प्रमाणन नहीं चाहिए",
                  "An own, unpaid post is not an ad: no pre-certification needed")  # fmt: skip
        notes.append(("यह 2018 का स्पष्टीकरण उम्मीदवार की अपनी पोस्ट के बारे में है (ख़बरों के अनुसार); मौजूदा नियम जाँचें",
                      "The 2018 clarification is about a candidate's own posts (as news reports give it); check the current rule"))  # fmt: skip
        notes.append(("आचार संहिता फिर भी लागू: भावनाएँ भड़काने या क़ानून तोड़ने वाली सामग्री उल्लंघन है",
                      "The MCC still applies: content that hurts sentiments or breaks the law is a violation"))  # fmt: skip
        if who in ("candidate", "party"):
            notes.append(("पैसे नहीं लगे, फिर भी खाते चलाने वाली टीम का वेतन चुनाव ख़र्च में गिना जाता है",
                          "No money spent on the post, yet the salaries of the team that runs the account count as election expenditure"))  # fmt: skip
    else:
        office = {"candidate": ("ज़िला MCMC", "the District MCMC"), "party": ("राज्य MCMC", "the State MCMC"),
                  "other": ("ज़िला MCMC से पूछें (मौजूदा नियम जाँचें)", "ask the District MCMC (check the current rule)")}[who]  # fmt: skip
        ruling = (
            True,
            f"छपने से पहले MCMC प्रमाणन ज़रूरी: आवेदन {office[0]}",
            f"MCMC pre-certification before release: apply to {office[1]}",
        )
        notes.append(("प्रमाणन न मिले तो अपील: मुख्य निर्वाचन अधिकारी (CEO) की अध्यक्षता वाली राज्य अपील समिति",
                      "If refused, appeal to the state Appellate Committee headed by the Chief Electoral Officer (CEO)"))  # fmt: skip
        if who in ("candidate", "party"):
            notes.append(("पूरा ख़र्च चुनाव ख़र्च में: विज्ञापन, सामग्री बनाना, टीम का वेतन",
                          "The whole cost counts as election expenditure: ads, making the content, the team's salaries"))  # fmt: skip
        if where == "social_ad":
            notes.append(("Meta: पहचान की पुष्टि और 'Paid for by' सूचना; Google/YouTube: सत्यापन और हर विज्ञापन का प्रमाणपत्र",
                          "Meta: authorisation and a 'Paid for by' disclaimer; Google/YouTube: verification and each ad's certificate"))  # fmt: skip
    if election:
        notes.append(
            (
                "मतदान से पहले की 48 घंटे की मौन अवधि में कोई चुनाव सामग्री नहीं",
                "No election matter in the 48-hour silence period before the poll",
            )
        )
    return Ruling(*ruling, notes=tuple(notes))


def ruling_html(ruling: Ruling) -> str:
    colour, mark = (RED, "📝") if ruling.needed else (GREEN, "✅")
    notes = "".join(f"<li>{hi}<br><small>{en}</small></li>" for hi, en in ruling.notes)
    return f"<p style='color:{colour}'><b>{mark} {ruling.hi}</b><br>{ruling.en}</p><ul>{notes}</ul>"


def precert_checker() -> None:
    """Describe a post (who, where, about the election or not): does it need MCMC pre-certification, and what else?"""
    import ipywidgets as w

    who = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in WHO.items()], description="कौन / who")
    where = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in WHERE.items()], description="कहाँ / where",
                       layout=wide("80%"))  # fmt: skip
    election = w.Checkbox(
        value=True, description="चुनाव की बात (वोट की अपील, उम्मीदवार या दल का प्रचार) / about the election"
    )
    view = w.HTML()

    def update(change=None) -> None:
        view.value = ruling_html(precertification(who=who.value, where=where.value, election=election.value))

    for box in (who, where, election):
        box.observe(update, names="value")
    update()
    panel("precert_checker", who, where, election, view, who=who, where=where, election=election, view=view)


NEEDS = {"yes": ("प्रमाणन चाहिए", "needs pre-certification"), "no": ("प्रमाणन नहीं चाहिए", "needs none")}


def precert_sorter(which: str = "lesson") -> None:
    """For each post choose "needs pre-certification" or "needs none"; "Check" says which, and why."""
    items = cases()["precert"][which]
    rulings = [precertification(who=c["who"], where=c["where"], election=c["election"]) for c in items]
    sorter("precert_sorter", [(c["hi"], c["en"]) for c in items], NEEDS,
            ["yes" if r.needed else "no" for r in rulings], [(r.hi, r.en) for r in rulings])  # fmt: skip


def spend(ledger: str = "lesson"):
    """A made-up candidate's social-media spending (camp/data/08-spend.csv) as a pandas table."""
    import pandas as pd

    frame = pd.read_csv(DATA_DIR / "08-spend.csv", encoding="utf-8")
    return frame[frame["ledger"] == ledger].drop(columns="ledger").reset_index(drop=True)


# -- 5. consent under the DPDP Act: phone numbers and photos ---------------------------------------------------------

USES = {
    "reminders": ("शिविरों की याद दिलाने वाली व्हाट्सऐप सूची", "the camp-reminder WhatsApp list"),
    "volunteer": ("स्वयंसेवकों का व्हाट्सऐप ग्रुप", "the volunteers' WhatsApp group"),
    "photo": ("संगठन की पोस्ट में उनकी तस्वीर", "their photo in the organisation's post"),
}
#: How a person said yes: (Hindi, English, a clear affirmative action of their own?)
HOW = {
    "form": ("फ़ॉर्म पर ख़ुद टिक किया", "ticked a form's box themselves", True),
    "missed_call": ("सूचना पढ़कर ख़ुद मिस्ड कॉल दी", "gave a missed call after reading the notice", True),
    "reply_yes": ("संदेश के जवाब में 'हाँ' लिखा", "replied 'yes' to a message", True),
    "pre_ticked": ("बॉक्स पहले से टिक था", "the box was ticked in advance", False),
    "silence": ("कोई जवाब नहीं आया (चुप्पी)", "no reply came (silence)", False),
    "added_by_other": ("किसी और ने उनका नंबर दिया", "someone else gave their number", False),
}
NOTICES = {"hi": ("हिंदी", "Hindi"), "en": ("अंग्रेज़ी", "English"), "none": ("कोई सूचना नहीं", "no notice")}


def consent_register() -> list[dict[str, str]]:
    """The Vidisha team's made-up consent register (camp/data/08-consent.csv); phone numbers are masked."""
    with (DATA_DIR / "08-consent.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def consent_problems(record: Mapping[str, str], use: str) -> list[tuple[str, str]]:
    """Why `record` does not allow `use` ("reminders", "volunteer", "photo"), in Hindi and English; [] when it does.

    Example:
        >>> consent_problems({"how": "pre_ticked", "notice": "hi", "purposes": "reminders", "age": "30"}, "reminders")[0][1]
        'Not a clear yes of their own (the box was ticked in advance): pre-ticked boxes and silence are not consent'
    """
    problems: list[tuple[str, str]] = []
    withdrawn = (record.get("withdrawn_on") or "").strip()
    if withdrawn:
        on_hi, on_en = (f"{withdrawn} को ", f" on {withdrawn}") if withdrawn[:1].isdigit() else ("", "")
        problems.append((f"{on_hi}सहमति वापस ली: तुरंत हटाएँ", f"Withdrew consent{on_en}: remove at once"))
    try:
        child = int(record.get("age") or 0) < 18
    except ValueError:
        child = False
    if use == "photo":
        photo = (record.get("photo") or "").strip()
        if child and photo != "guardian":
            problems.append(("बच्चा (18 से कम): तस्वीर के लिए माता-पिता या अभिभावक की सहमति चाहिए (मौजूदा नियम जाँचें)",
                             "A child (under 18): a parent's or guardian's consent is needed for the photo (check the current rule)"))  # fmt: skip
        elif not child and photo != "yes":
            problems.append(("तस्वीर छापने की सहमति नहीं", "No consent to publish their photo"))
        return problems
    how = HOW.get(record.get("how", ""), ("पता नहीं", "unknown", False))
    if not how[2]:
        problems.append((f"ख़ुद की साफ़ 'हाँ' नहीं ({how[0]}): पहले से टिक बॉक्स और चुप्पी सहमति नहीं",
                         f"Not a clear yes of their own ({how[1]}): pre-ticked boxes and silence are not consent"))  # fmt: skip
    if record.get("notice", "none") not in ("hi", "en"):
        problems.append(("मक़सद बताने वाली सूचना (हिंदी या अंग्रेज़ी में) सहमति से पहले नहीं दी गई",
                         "No notice of the purpose (in Hindi or English) came before the consent"))  # fmt: skip
    agreed = [p.strip() for p in (record.get("purposes") or "").split(";") if p.strip()]
    if use not in agreed:
        said = ", ".join(USES[p][1] for p in agreed if p in USES) or "nothing"
        said_hi = ", ".join(USES[p][0] for p in agreed if p in USES) or "कुछ नहीं"
        problems.append((f"सहमति किसी और मक़सद की है ({said_hi}): इसके लिए फिर से पूछें",
                         f"The consent is for another purpose ({said}): ask again for this one"))  # fmt: skip
    if child and (record.get("guardian") or "").strip() != "yes":
        problems.append(("बच्चा (18 से कम): माता-पिता या अभिभावक की सहमति चाहिए (मौजूदा नियम जाँचें)",
                         "A child (under 18): a parent's or guardian's consent is needed (check the current rule)"))  # fmt: skip
    return problems


def consent_html(records: list[Mapping[str, str]], use: str) -> str:
    rows, fine = "", 0
    for r in records:
        problems = consent_problems(r, use)
        fine += not problems
        verdict = ("✅ जोड़ सकते हैं / may be added" if not problems
                   else "".join(f"❌ {hi}<br><small>{en}</small><br>" for hi, en in problems))  # fmt: skip
        rows += (f"<tr><td>{r['id']}</td><td>{html.escape(r['name'])}</td><td>{r['age']}</td><td>{r['phone']}</td>"
                 f"<td>{verdict}</td></tr>")  # fmt: skip
    hi, en = USES[use]
    return (_rows(rows, "", "नाम / name", "उम्र / age", "फ़ोन / phone", "फ़ैसला / decision")
            + f"<p><b>{fine} / {len(records)}</b> लोग '{hi}' में जोड़े जा सकते हैं / people may be added to {en}</p>")  # fmt: skip


def consent_checker(use: str = "reminders") -> None:
    """Choose what the numbers or photos are for: each record of the register, allowed or not, and why."""
    import ipywidgets as w

    pick = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in USES.items()], value=use,
                      description="किस काम के लिए / for what", layout=wide("80%"))  # fmt: skip
    view = w.HTML()

    def update(change=None) -> None:
        view.value = consent_html(consent_register(), pick.value)

    pick.observe(update, names="value")
    update()
    panel("consent_checker", pick, view, use=pick, view=view)


def consent_form() -> None:
    """Fill in one consent record as you would while collecting a number: what is missing, as you go."""
    import ipywidgets as w

    how = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en, _) in HOW.items()], value="pre_ticked",
                     description="'हाँ' कैसे कहा / how they said yes", layout=wide("80%"))  # fmt: skip
    notice = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in NOTICES.items()], value="none",
                        description="सूचना / notice")  # fmt: skip
    purposes = {
        k: w.Checkbox(value=k == "volunteer", description=f"{hi} / {en}")
        for k, (hi, en) in USES.items()
        if k != "photo"
    }
    age = w.BoundedIntText(value=30, min=1, max=120, description="उम्र / age")
    guardian = w.Checkbox(
        value=False, description="अभिभावक की सहमति (बच्चे के लिए) / guardian's consent (for a child)"
    )
    withdrawn = w.Checkbox(value=False, description="सहमति वापस ली / consent withdrawn")
    use = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in USES.items() if k != "photo"], value="reminders",
                     description="इस्तेमाल / use", layout=wide("80%"))  # fmt: skip
    view = w.HTML()

    def record() -> dict[str, str]:
        return {"how": how.value, "notice": notice.value, "age": str(age.value), "guardian": "yes" if guardian.value else "",
                "purposes": ";".join(k for k, box in purposes.items() if box.value),
                "withdrawn_on": "yes" if withdrawn.value else ""}  # fmt: skip

    def update(change=None) -> None:
        problems = consent_problems(record(), use.value)
        view.value = ("<p style='color:#127a2d'><b>✅ यह रिकॉर्ड इस इस्तेमाल के लिए ठीक है। / This record allows this use.</b></p>"
                      if not problems else "".join(f"<p style='color:{RED}'>❌ {hi}<br><small>{en}</small></p>" for hi, en in problems))  # fmt: skip

    boxes = [how, notice, *purposes.values(), age, guardian, withdrawn, use]
    for box in boxes:
        box.observe(update, names="value")
    update()
    panel("consent_form", *boxes, view, how=how, notice=notice, purposes=purposes, age=age, guardian=guardian,
          withdrawn=withdrawn, use=use, view=view)  # fmt: skip


# -- 6. the AI provider's policy and the organisation's own rules ----------------------------------------------------


def ai_use_sorter() -> None:
    """For each use of AI choose fine / with checking and a label / never (lesson 07's verdicts); "Check" says why."""
    items = cases()["ai_uses"]
    sorter("ai_use_sorter", [(u["hi"], u["en"]) for u in items], lesson07.VERDICTS, [u["verdict"] for u in items],
            [(u["why_hi"], u["why_en"]) for u in items])  # fmt: skip
