addEventListener('load', function () {
  var drawn = 0;
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var marks = Array.prototype.filter.call(svg.querySelectorAll('.mark'), function (m) {
      var b = m.getBBox(); return b.width > 0 || b.height > 0;
    });
    var box = svg.getBoundingClientRect();
    svg.dataset.marksDrawn = marks.length;
    if (marks.length > 0 && box.width > 0 && box.height > 0) drawn++;
  });
  document.body.dataset.chartsDrawn = drawn;
});
