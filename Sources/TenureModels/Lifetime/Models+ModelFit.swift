import TenureNumerics

/// Every BTYD fit in the shared `ModelFit` shape, under the model's output name.
extension RepeatPurchaseModel {
    public var modelFit: ModelFit { fit.modelFit(model: Self.name) }
}

extension BGNBDModel: FittedModel {}
extension MBGNBDModel: FittedModel {}
extension ParetoNBDModel: FittedModel {}
extension BGBBModel: FittedModel {}

extension GammaGammaModel: FittedModel {
    public var modelFit: ModelFit { fit.modelFit(model: Self.name) }
}
