"""What a job's progress bar shows (members/roster/_progress_bar.html), from the job's progress."""


def bar(progress: dict | None) -> dict:
    """Rows done of how many (``percent`` None while the total is unknown, e.g. the file is being read).

    ``step`` is the nearest Bootstrap width class below the percentage, for browsers without
    JavaScript; static/js/progress.js sets the exact width (the CSP allows no style attribute).
    """
    progress = progress or {}
    done, total = progress.get("done", 0), progress.get("total", 0)
    percent = min(100, done * 100 // total) if total else None
    step = f"w-{percent // 25 * 25}" if percent and percent >= 25 else ""
    return {"started": bool(progress), "done": done, "total": total, "percent": percent, "step": step}
